// The agent process: long-polls the edge for its directory's actions, applies each with the
// directory handlers, reports each result, and answers delegated logins. It waits with growing
// backoff while the edge or the directory is away, and never drops a result: a report is
// retried until the edge takes it (or says the action is no longer waiting for one). With an
// `import` schedule it also pushes directory reads, resuming from the cursor the edge keeps.
import type { AgentConfig } from './config.ts';
import type { Directory } from './directory.ts';
import { applyWork } from './apply.ts';
import { escapeFilter, fromDirectory } from './mapping.ts';
import type { AgentResult, AgentWork } from './wire.ts';
import { isUnreachable } from './errors.ts';
import type { ImportMode } from './read.ts';
import { readDirectory } from './read.ts';

export interface AgentOptions {
  edge: string;
  token: string;
  config: AgentConfig;
  directory: Directory;
  fetch?: typeof fetch;
  /** Seconds the edge holds a poll open. */
  waitSeconds?: number;
  /** Seconds before the edge hands an unanswered action out again. */
  leaseSeconds?: number;
  log?(line: Record<string, unknown>): void;
  signal?: AbortSignal;
}

interface Pulled {
  items: AgentWork[];
  logins: { id: string; username: string; password: string }[];
}

/**
 * Waits `ms`, or less when `signal` aborts. The abort listener goes when the wait ends either
 * way: the agent's signal lives as long as the agent, and one listener left per backoff or
 * scheduled import grew without end (Node's MaxListenersExceededWarning after ten).
 */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class EdgeError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function createAgent(options: AgentOptions) {
  const { config, directory } = options;
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? ((line) => console.log(JSON.stringify(line)));
  const base = options.edge.replace(/\/$/, '');
  const app = encodeURIComponent(config.app);
  const stats = { applied: 0, already: 0, failed: 0, reported: 0 };
  // Aborted by the caller's signal, or by a fatal error of the poll loop so the import loop stops too.
  const stopping = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopping.signal]) : stopping.signal;
  let delay = config.backoff.minMs;
  const backoff = async () => {
    await sleep(delay * (0.5 + Math.random() / 2), signal);
    delay = Math.min(delay * 2, config.backoff.maxMs);
  };

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await doFetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    const text = await response.text();
    if (!response.ok) throw new EdgeError(response.status, `edge answered ${response.status} to ${method} ${path.split('?')[0]}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Reports until the edge takes it; 404/409 mean it no longer waits for this result. */
  async function report(id: string, result: AgentResult): Promise<void> {
    for (;;) {
      try {
        await call('POST', `/v1/agent/actions/${encodeURIComponent(id)}/result?app=${app}`, result);
        stats.reported++;
        return;
      } catch (error) {
        if (error instanceof EdgeError && (error.status === 404 || error.status === 409)) return log({ level: 'warn', msg: 'result not taken', id, error: error.message });
        if (signal.aborted) return;
        log({ level: 'warn', msg: 'edge unreachable; result kept', id, error: String(error) });
        await backoff();
      }
    }
  }

  async function login(item: Pulled['logins'][number]): Promise<void> {
    let answer: { ok: boolean; entry?: Record<string, unknown>; error?: string };
    try {
      const { users } = config;
      const found = await directory.search(users.base, { filter: `(&${users.filter}(${users.key}=${escapeFilter(item.username)}))`, attributes: ['*'] });
      const entry = found.length === 1 ? found[0] : undefined;
      const ok = entry ? await directory.verifyBind(entry.dn, item.password) : false;
      answer = ok && entry ? { ok: true, entry: { ...fromDirectory(entry, users.map), dn: entry.dn } } : { ok: false };
    } catch (error) {
      answer = { ok: false, error: isUnreachable(error) ? 'directory unreachable' : 'directory error' };
    }
    await call('POST', `/v1/agent/logins/${encodeURIComponent(item.id)}?app=${app}`, answer).catch((error) => log({ level: 'warn', msg: 'login answer not taken', error: String(error) }));
  }

  async function handle(work: AgentWork): Promise<void> {
    const result = (await applyWork(directory, work)) as AgentResult;
    if (result.ok) stats[result.effect === 'applied' ? 'applied' : 'already']++;
    else stats.failed++;
    log({ level: result.ok ? 'info' : 'warn', msg: 'action', id: work.id, type: work.action.type, ...(result.ok ? { effect: result.effect } : { error: result.error, retryable: result.retryable }) });
    await report(work.id, result);
  }

  /** One poll: wait for the directory, pull, apply in order, report. Returns how many actions it handled. */
  async function once(): Promise<number> {
    try {
      await directory.probe();
    } catch (error) {
      log({ level: 'warn', msg: 'directory unreachable; waiting', error: String(error) });
      await backoff();
      return 0;
    }
    let pulled: Pulled;
    try {
      pulled = (await call('GET', `/v1/agent/actions?app=${app}&wait=${options.waitSeconds ?? 25}&lease=${options.leaseSeconds ?? 300}`)) as Pulled;
    } catch (error) {
      if (signal.aborted) return 0;
      if (error instanceof EdgeError && (error.status === 401 || error.status === 403 || error.status === 404)) throw error;
      log({ level: 'warn', msg: 'edge unreachable; retrying', error: String(error) });
      await backoff();
      return 0;
    }
    delay = config.backoff.minMs;
    await Promise.all(pulled.logins.map(login));
    for (const work of pulled.items) {
      if (signal.aborted) break; // unreported actions come back after the lease
      await handle(work);
    }
    return pulled.items.length;
  }

  /** The cursor the edge keeps for this directory: where the last healthy import ended. */
  async function storedCursor(): Promise<string | undefined> {
    const stored = (await call('GET', `/v1/agent/imports/cursor?app=${app}`)) as { cursor: string | null };
    return stored.cursor ?? undefined;
  }

  /**
   * Reads the directory and pushes it to the edge with the new cursor; a failed read is pushed as
   * failed (never as empty). An incremental import without `since` starts from the edge's cursor.
   */
  async function importOnce(mode: ImportMode, since?: string): Promise<{ summary: unknown; since?: string; cursor?: string; entries: number; readMs: number }> {
    const from = mode === 'incremental' ? (since ?? (await storedCursor())) : undefined;
    let body: Record<string, unknown>;
    let cursor: string | undefined;
    let entries = 0;
    let readMs = 0;
    try {
      const read = await readDirectory(directory, mode, from);
      cursor = read.cursor;
      entries = read.accounts.length;
      readMs = read.ms;
      body = { mode, ok: true, accounts: read.accounts, groups: read.groups, ...(cursor !== undefined ? { cursor } : {}) };
    } catch (error) {
      body = { mode, ok: false, error: `directory read failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const summary = await call('POST', `/v1/agent/imports?app=${app}`, body);
    return { summary, entries, readMs, ...(from !== undefined ? { since: from } : {}), ...(cursor !== undefined ? { cursor } : {}) };
  }

  /**
   * Imports on a schedule while the agent runs: the first one resumes from the edge's cursor
   * (a full read when the edge has none), then incremental ones, and every `fullEvery`-th a full
   * read (the only way an OpenLDAP deletion is seen).
   */
  async function importLoop(schedule: NonNullable<AgentConfig['import']>): Promise<void> {
    for (let n = 0; !signal.aborted; n++) {
      try {
        const stored = await storedCursor();
        if (n === 0) log({ level: 'info', msg: stored === undefined ? 'no import cursor on the edge: full import' : 'import resumes from the edge cursor', cursor: stored ?? null });
        const mode: ImportMode = stored === undefined || (schedule.fullEvery !== undefined && n > 0 && n % schedule.fullEvery === 0) ? 'full' : 'incremental';
        const pushed = await importOnce(mode, stored);
        const summary = pushed.summary as { health?: string; held?: unknown; deprovisioned?: string[] };
        log({ level: 'info', msg: 'import', mode, since: pushed.since ?? null, cursor: pushed.cursor ?? null, entries: pushed.entries, health: summary.health, deprovisioned: summary.deprovisioned?.length ?? 0, held: summary.held !== undefined });
      } catch (error) {
        if (signal.aborted) break;
        log({ level: 'warn', msg: 'import failed; next one at the usual time', error: String(error) });
      }
      await sleep(schedule.everySeconds * 1000, signal);
    }
  }

  return {
    stats,
    once,
    importOnce,
    storedCursor,
    async run(): Promise<void> {
      log({ level: 'info', msg: 'agent started', app: config.app, directory: config.directory.url, edge: base });
      const imports = config.import ? importLoop(config.import) : Promise.resolve();
      try {
        while (!signal.aborted) await once();
      } finally {
        stopping.abort();
        await imports;
        await directory.close();
      }
    },
  };
}

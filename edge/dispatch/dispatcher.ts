// The dispatcher: takes due outbox actions, claims them (a conditional UPDATE, so two
// dispatchers never deliver one action at once), and delivers each through its app's lane
// within the app's concurrency and rate limits. Outcomes are settled with backoff and jitter,
// dead letters after the app's `maxAttempts`, and a quarantine for an app failing too often.
// Actions whose dispatcher died mid-delivery are taken back after a lease.
import { inArray } from 'drizzle-orm';
import { chunkRows, paramLimit } from '../db/index.ts';
import { listApps, quarantineApp, releaseApp } from '../db/repos/apps.ts';
import { claimActions, dueActions } from '../db/repos/outbox.ts';
import type { OutboxRow } from '../db/repos/runs.ts';
import { outbox } from '../db/schema.ts';
import type { Runtime } from '../runtime.ts';
import { addMs } from './backoff.ts';
import { decide, deliverOne } from './deliver.ts';
import type { Lane, LaneOptions } from './lanes.ts';
import { capacity, laneFor } from './lanes.ts';
import { recoverInterrupted } from './leases.ts';
import { settle } from './settle.ts';
import { loggable } from '../http/errors.ts';

export interface DispatcherOptions extends LaneOptions {
  /** How often to look for due work when idle (ms, default 500). */
  pollMs?: number;
  /** A `delivering` action older than this is taken back (ms, default 5 min). */
  leaseMs?: number;
  random?: () => number;
}

export interface DispatchCounts {
  delivered: number;
  already: number;
  retried: number;
  dead: number;
  quarantines: number;
  recovered: number;
}

export interface Dispatcher {
  /** One look: claims what is due and starts delivering it; resolves once deliveries are started. */
  tick(ids?: readonly string[]): Promise<number>;
  /** Waits for every delivery in flight. */
  drain(): Promise<void>;
  /**
   * Delivers these actions now (those due and not claimed elsewhere) and resolves when each of
   * them has settled, without waiting for the rest of the dispatcher's work; how many it claimed.
   */
  deliverNow(ids: readonly string[]): Promise<number>;
  /** Runs until `stop()`. */
  run(): Promise<void>;
  stop(): Promise<void>;
  readonly counts: DispatchCounts;
  readonly inFlight: number;
}

export function createDispatcher(runtime: Runtime, options: DispatcherOptions = {}): Dispatcher {
  const { db } = runtime;
  const lanes = new Map<string, Lane>();
  const inFlight = new Map<string, Promise<void>>();
  const inFlightByApp = new Map<string, number>();
  const inFlightFor = (appId: string) => inFlightByApp.get(appId) ?? 0;
  const counts: DispatchCounts = { delivered: 0, already: 0, retried: 0, dead: 0, quarantines: 0, recovered: 0 };
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  let lastRecovery = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  const ctx = () => ({ at: runtime.now(), actor: 'dispatcher' });

  let refreshedAt = -Infinity;
  async function refreshLanes(nowMs: number): Promise<void> {
    // Apps change rarely; this process's own quarantines update its lanes at once.
    if (nowMs - refreshedAt < 1000 && lanes.size > 0) return;
    refreshedAt = nowMs;
    const apps = await listApps(db);
    const seen = new Set<string>();
    for (const app of apps) {
      seen.add(app.id);
      lanes.set(app.id, await laneFor(runtime, app, lanes.get(app.id), options));
    }
    for (const id of lanes.keys()) if (!seen.has(id)) lanes.delete(id);
  }

  async function byIds(now: string, ids: readonly string[]): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    for (const chunk of chunkRows(ids, 1, paramLimit(db))) rows.push(...(await db.select().from(outbox).where(inArray(outbox.id, chunk))));
    return rows.filter((r) => (r.status === 'pending' || r.status === 'failed') && r.nextAttemptAt <= now);
  }

  async function tick(ids?: readonly string[]): Promise<number> {
    const now = runtime.now();
    const nowMs = Date.parse(now);
    if (nowMs - lastRecovery >= Math.min(leaseMs / 2, 30_000)) {
      lastRecovery = nowMs;
      const recovered = await recoverInterrupted(db, addMs(now, -leaseMs), ctx(), [...inFlight.keys()]);
      counts.recovered += recovered.length;
    }
    await refreshLanes(ids === undefined ? nowMs : Number.POSITIVE_INFINITY);
    const picked: OutboxRow[] = [];
    const given = ids === undefined ? undefined : await byIds(now, ids);
    for (const lane of lanes.values()) {
      const room = capacity(lane, now);
      if (room === 0) continue;
      // Only as many rows as the lane can start: reading more would be parsed for nothing.
      const rows = given ? given.filter((r) => r.appId === lane.app.id) : await dueActions(db, now, { appId: lane.app.id, limit: room + inFlightFor(lane.app.id) });
      let n = 0;
      for (const row of rows) {
        if (n >= room) break;
        if (inFlight.has(row.id)) continue;
        if (row.payload.notBefore !== undefined && row.payload.notBefore > now) continue;
        picked.push(row);
        n++;
      }
    }
    if (picked.length === 0) return 0;
    const claimed = await claimActions(db, picked.map((r) => r.id), now);
    for (const row of claimed) {
      const lane = lanes.get(row.appId as string) as Lane;
      if (lane.app.status === 'quarantined') lane.probing = true;
      inFlightByApp.set(lane.app.id, inFlightFor(lane.app.id) + 1);
      const job = deliver(lane, row).finally(() => {
        inFlight.delete(row.id);
        inFlightByApp.set(lane.app.id, inFlightFor(lane.app.id) - 1);
        wake?.();
      });
      inFlight.set(row.id, job);
    }
    return claimed.length;
  }

  async function deliver(lane: Lane, row: OutboxRow): Promise<void> {
    const release = await lane.limiter.take();
    try {
      const deps = { db, sealKey: runtime.sealKey, now: runtime.now, ...(options.random ? { random: options.random } : {}) };
      const built = lane.built;
      const { result, link, settlement } =
        built && built.ok
          ? await deliverOne(deps, built.connector, lane.settings, row)
          : await (async () => {
              const result = { ok: false as const, error: built && !built.ok ? built.error : `no connector for \`${lane.app.connector}\``, retryable: true };
              return { result, link: undefined, settlement: decide(result, row, lane.settings, deps) };
            })();
      await settle(db, row, link, settlement, ctx());
      if (settlement.kind === 'done') counts[settlement.effect === 'already' ? 'already' : 'delivered']++;
      else counts[settlement.kind === 'dead' ? 'dead' : 'retried']++;
      runtime.log({ level: result.ok ? 'debug' : 'warn', msg: 'action dispatched', actionId: row.id, type: row.type, appId: row.appId, attempts: row.attempts, outcome: settlement.kind, ...(result.ok ? {} : { error: result.error }) });
      await updateHealth(lane, !result.ok && result.retryable, result.ok ? undefined : result.error);
    } finally {
      release();
    }
  }

  async function updateHealth(lane: Lane, appFailing: boolean, error?: string): Promise<void> {
    lane.health.record(!appFailing);
    const appId = lane.app.id;
    if (lane.probing) {
      lane.probing = false;
      if (!appFailing) {
        const released = await releaseApp(db, appId, ctx());
        if (released.ok) lane.app = released.value;
        lane.health.recovered();
        runtime.log({ level: 'info', msg: 'app released from quarantine', appId });
        return;
      }
    } else if (lane.app.status === 'quarantined' || !lane.health.tripped()) return;
    const window = lane.health.window;
    const ms = lane.health.nextQuarantineMs();
    lane.health.quarantined();
    const until = addMs(runtime.now(), ms);
    const reason = `${window.failures} of the last ${window.requests} requests failed${error ? `; last: ${error.slice(0, 200)}` : ''}`;
    const set = await quarantineApp(db, appId, until, reason, ctx());
    if (set.ok) lane.app = set.value;
    counts.quarantines++;
    runtime.log({ level: 'warn', msg: 'app quarantined', appId, until, reason });
  }

  async function drain(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight.values()]);
  }

  async function deliverNow(ids: readonly string[]): Promise<number> {
    const claimed = await tick(ids);
    // Also those a running loop claimed just before: each settles before the answer.
    await Promise.allSettled(ids.flatMap((id) => inFlight.get(id) ?? []));
    return claimed;
  }

  const pollMs = options.pollMs ?? 500;
  let running: Promise<void> | undefined;
  return {
    tick,
    drain,
    deliverNow,
    counts,
    get inFlight() {
      return inFlight.size;
    },
    run() {
      stopped = false;
      running ??= (async () => {
        while (!stopped) {
          let started = 0;
          try {
            started = await tick();
          } catch (error) {
            runtime.log({ level: 'error', msg: 'dispatcher tick failed', error: loggable(error) });
          }
          if (stopped) break;
          // Busy: look again when a delivery ends (or soon); idle: after the poll interval.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, started > 0 || inFlight.size > 0 ? Math.min(pollMs, 50) : pollMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        await drain();
      })();
      return running;
    },
    async stop() {
      stopped = true;
      wake?.();
      await (running ?? drain());
      running = undefined;
    },
  };
}

const shared = new WeakMap<Runtime, Dispatcher>();

/**
 * The runtime's one dispatcher: the Node background's when it runs (`shareDispatcher`), else
 * one made on first use. Deliveries asked for now (a queue batch, a user provisioned on demand)
 * then keep each app's limits, health and quarantine with everything else delivered.
 */
export function runtimeDispatcher(runtime: Runtime, options: DispatcherOptions = {}): Dispatcher {
  let dispatcher = shared.get(runtime);
  if (!dispatcher) shared.set(runtime, (dispatcher = createDispatcher(runtime, options)));
  return dispatcher;
}

export function shareDispatcher(runtime: Runtime, dispatcher: Dispatcher): void {
  shared.set(runtime, dispatcher);
}

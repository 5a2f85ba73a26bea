// What every API case gets: a fresh runtime (migrated database), the app, one token per scope,
// a request helper, and every log line the app wrote. No Node-only imports: the same suite
// runs in workerd against D1.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApp } from '../../edge/app.ts';
import { TOKEN_SCOPES, createToken } from '../../edge/auth/tokens.ts';
import type { TokenScope } from '../../edge/auth/tokens.ts';
import type { AppEnv } from '../../edge/http/env.ts';
import type { Runtime } from '../../edge/runtime.ts';

/** A new runtime over a new, migrated, empty database. */
export type MakeRuntime = () => Promise<Runtime>;

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent verbatim (for malformed JSON). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface ApiContext {
  runtime: Runtime;
  app: OpenAPIHono<AppEnv>;
  tokens: Record<TokenScope, string>;
  logs: string[];
  /** JSON in and out; `token` defaults to the admin token (`null` sends none). */
  call(method: string, path: string, options?: RequestOptions): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

let clock = Date.UTC(2025, 0, 1, 9, 0, 0);

export async function setup(makeRuntime: MakeRuntime): Promise<ApiContext> {
  const base = await makeRuntime();
  const logs: string[] = [];
  const runtime: Runtime = {
    ...base,
    // A strictly increasing clock keeps list orders and audit times deterministic.
    now: () => new Date((clock += 1000)).toISOString(),
    log: (event) => logs.push(JSON.stringify(event)),
  };
  const tokens = {} as Record<TokenScope, string>;
  for (const scope of TOKEN_SCOPES) {
    tokens[scope] = (await createToken(runtime.db, { scope, name: `${scope} test` }, { at: runtime.now(), actor: 'test' })).token;
  }
  const app = createApp(runtime);
  const call: ApiContext['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? tokens.admin : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return { runtime, app, tokens, logs, call };
}

/** Rows per table: to prove a request wrote nothing. */
export async function countRows(db: Runtime['db']): Promise<Record<string, number>> {
  const { sql } = await import('drizzle-orm');
  const out: Record<string, number> = {};
  for (const table of ['identities', 'groups', 'memberships', 'apps', 'app_accounts', 'rule_set_versions', 'runs', 'outbox', 'audit_events', 'import_runs', 'manual_tasks', 'tokens']) {
    const rows = await db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`));
    out[table] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

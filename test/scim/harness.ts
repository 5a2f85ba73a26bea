// What every SCIM conformance test gets: the whole app (createApp) over a fresh, migrated
// libSQL database (a real SQLite file), tokens (scim unbound, scim bound to two sources, read,
// admin), and a request helper speaking application/scim+json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { createRuntime } from '../../edge/runtime.ts';
import type { Runtime } from '../../edge/runtime.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface Scim {
  runtime: Runtime;
  db: LibsqlDb;
  tokens: { scim: string; okta: string; entra: string; read: string; admin: string };
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  /** POST /Users with a minimal body plus `extra`; returns the created resource. */
  createUser(userName: string, extra?: Record<string, unknown>, token?: string): Promise<Reply['body']>;
  rows(table: string): Promise<number>;
  close(): void;
}

let counter = 0;

export async function scim(): Promise<Scim> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-scim-'));
  const db = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
  await migrate(db);
  let clock = Date.UTC(2025, 0, 1, 9, 0, 0);
  const runtime = await createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => {}, now: () => new Date((clock += 1000)).toISOString(), newId: () => `id-${++counter}` });
  const ctx = { at: runtime.now(), actor: 'test' };
  const tokens = {
    scim: (await createToken(db, { scope: 'scim', name: 'scim' }, ctx)).token,
    okta: (await createToken(db, { scope: 'scim', name: 'okta', sourceId: 'okta' }, ctx)).token,
    entra: (await createToken(db, { scope: 'scim', name: 'entra', sourceId: 'entra' }, ctx)).token,
    read: (await createToken(db, { scope: 'read', name: 'read' }, ctx)).token,
    admin: (await createToken(db, { scope: 'admin', name: 'admin' }, ctx)).token,
  };
  const app = createApp(runtime);
  const call: Scim['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? tokens.scim : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.raw;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/scim+json';
    const res = await app.request(`http://roster.test/scim/v2${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return {
    runtime,
    db,
    tokens,
    call,
    async createUser(userName, extra = {}, token) {
      const res = await call('POST', '/Users', { token: token ?? tokens.scim, body: { schemas: [USER], userName, ...extra } });
      if (res.status !== 201) throw new Error(`create ${userName}: ${res.status} ${res.text}`);
      return res.body;
    },
    async rows(table) {
      const rows = await db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`));
      return Number(rows[0]?.n ?? 0);
    },
    close() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

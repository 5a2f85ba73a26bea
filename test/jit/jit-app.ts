// The app as a JIT test drives it: a database (libSQL in memory or in a file in a temp
// directory, or D1 in Miniflare's workerd) with the given rules active, an admin token, and POST /v1/jit (or every route, with the JIT
// routes trusting only the rules' issuers); `counts` shows whether a refusal wrote anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Miniflare } from 'miniflare';
import type { SourceFile } from '../../engine/types.ts';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openD1 } from '../../edge/db/d1.ts';
import type { Db } from '../../edge/db/index.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import type { LogEvent } from '../../edge/runtime.ts';
import { routeModules } from '../../edge/routes/index.ts';
import type { RouteModule } from '../../edge/routes/index.ts';
import { jitRoutes } from '../../edge/routes/jit.ts';
import { createRuntime } from '../../edge/runtime.ts';

export interface JitApp {
  db: Db;
  app: ReturnType<typeof createApp>;
  admin: string;
  /** Every line the server logged. */
  logs: LogEvent[];
  post(idToken: string, token?: string | null): Promise<Response>;
  counts(): Promise<{ identities: number; outbox: number; runs: number }>;
  close(): Promise<void>;
}

export type JitStorage = 'memory' | 'file' | 'd1';

export interface JitAppOptions {
  /** libSQL in memory (the default), libSQL in a file in a temp directory, or D1 in Miniflare; `close` removes it. */
  storage?: JitStorage;
  /** Mount every route module, not only POST /v1/jit. */
  allRoutes?: boolean;
}

export async function startJitApp(files: SourceFile[], options: JitAppOptions = {}): Promise<JitApp> {
  const ctx = { at: new Date().toISOString(), actor: 'test' };
  const { db, close } = await openStorage(options.storage ?? 'memory');
  await migrate(db);
  await saveRuleSet(db, { version: 'v1', files, source: 'test' }, ctx, { activate: true });
  const admin = (await createToken(db, { scope: 'admin' }, ctx)).token;
  const logs: LogEvent[] = [];
  const runtime = await createRuntime({ db, log: (event) => logs.push(event) });
  const jit: RouteModule = { path: '/v1/jit', routes: (rt) => jitRoutes(rt, []) };
  const app = createApp(runtime, options.allRoutes ? routeModules.map((m) => (m.path === jit.path ? jit : m)) : [jit]);
  return {
    db,
    app,
    admin,
    logs,
    post: async (idToken, token = admin) =>
      app.request('/v1/jit', { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ id_token: idToken }) }),
    async counts() {
      const [row] = await db.all<{ identities: number; outbox: number; runs: number }>(
        sql`SELECT (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM runs) AS runs`,
      );
      return { identities: Number(row?.identities), outbox: Number(row?.outbox), runs: Number(row?.runs) };
    },
    close,
  };
}

/** A settings file trusting `issuers` (each `{issuer, jwksUri}`) for audience `roster`, with extra YAML per issuer. */
export function settingsFile(issuers: { url: string; jwksUri: string; extra?: string }[], attributes = '{ department: string }'): SourceFile {
  const list = issuers.map((i) => `    - issuer: ${i.url}\n      jwksUri: ${i.jwksUri}\n      audience: roster\n${i.extra ? `      ${i.extra}\n` : ''}`).join('');
  return { path: 'settings.yaml', text: `kind: settings\nattributes: ${attributes}\njit:\n  issuers:\n${list}` };
}

async function openStorage(storage: JitStorage): Promise<{ db: Db; close(): Promise<void> }> {
  if (storage === 'd1') {
    const mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response(null, { status: 404 }) } }', d1Databases: { DB: 'jit' } });
    return { db: openD1((await mf.getD1Database('DB')) as unknown as Parameters<typeof openD1>[0]), close: () => mf.dispose() };
  }
  const dir = storage === 'file' ? mkdtempSync(join(tmpdir(), 'roster-jit-')) : undefined;
  const db = await openLibsql({ url: dir ? `file:${join(dir, 'roster.db')}` : ':memory:' });
  return {
    db,
    close: async () => {
      db.$client.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

// The app as a JIT test drives it: an in-memory libSQL database with the given rules active,
// an admin token, and POST /v1/jit; `counts` shows whether a refusal wrote anything.
import { sql } from 'drizzle-orm';
import type { SourceFile } from '../../engine/types.ts';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import type { LogEvent } from '../../edge/runtime.ts';
import { jitRoutes } from '../../edge/routes/jit.ts';
import { createRuntime } from '../../edge/runtime.ts';

export interface JitApp {
  db: LibsqlDb;
  app: ReturnType<typeof createApp>;
  admin: string;
  /** Every line the server logged. */
  logs: LogEvent[];
  post(idToken: string, token?: string | null): Promise<Response>;
  counts(): Promise<{ identities: number; outbox: number; runs: number }>;
  close(): void;
}

export async function startJitApp(files: SourceFile[]): Promise<JitApp> {
  const ctx = { at: new Date().toISOString(), actor: 'test' };
  const db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  await saveRuleSet(db, { version: 'v1', files, source: 'test' }, ctx, { activate: true });
  const admin = (await createToken(db, { scope: 'admin' }, ctx)).token;
  const logs: LogEvent[] = [];
  const runtime = await createRuntime({ db, log: (event) => logs.push(event) });
  const app = createApp(runtime, [{ path: '/v1/jit', routes: (rt) => jitRoutes(rt, []) }]);
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
    close: () => db.$client.close(),
  };
}

/** A settings file trusting `issuers` (each `{issuer, jwksUri}`) for audience `roster`, with extra YAML per issuer. */
export function settingsFile(issuers: { url: string; jwksUri: string; extra?: string }[], attributes = '{ department: string }'): SourceFile {
  const list = issuers.map((i) => `    - issuer: ${i.url}\n      jwksUri: ${i.jwksUri}\n      audience: roster\n${i.extra ? `      ${i.extra}\n` : ''}`).join('');
  return { path: 'settings.yaml', text: `kind: settings\nattributes: ${attributes}\njit:\n  issuers:\n${list}` };
}

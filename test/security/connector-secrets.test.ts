// A password written into an app's address (`https://user:pass@host`): registering such an app
// is refused, naming the key (fetch would not send it, and the address is shown wherever it is
// used); one stored before is a secret like any other: sealed at rest, `(redacted)` when shown,
// and opened for the connector as it was.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openSecrets, redactSecrets } from '../../edge/connectors/secrets.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { getApp, saveApp } from '../../edge/db/repos/apps.ts';
import { sealStoredSecrets } from '../../edge/services/app-secrets.ts';
import type { Runtime } from '../../edge/runtime.ts';
import { createRuntime } from '../../edge/runtime.ts';

let db: LibsqlDb;
let runtime: Runtime;
let app: ReturnType<typeof createApp>;
let admin: string;

beforeAll(async () => {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  runtime = await createRuntime({ db, log: () => {} });
  admin = (await createToken(db, { scope: 'admin' }, { at: runtime.now(), actor: 'test' })).token;
  app = createApp(runtime);
});
afterAll(() => db.$client.close());

const config = { baseUrl: 'https://svc:hunter2@scim.example/v2', auth: { type: 'bearer', token: 'bearer-secret' } };

describe('a password in an app address', () => {
  it('is refused when the app is registered, naming the key and echoing nothing of it, storing nothing', async () => {
    const res = await app.request('/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'crm', name: 'CRM', connector: 'scim', config }) });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('`baseUrl`: holds credentials (`user:password@`): put them in `auth`');
    expect(body).not.toContain('hunter2');
    expect(await getApp(db, 'crm')).toBeUndefined();
  });

  it('stored before the rule, is sealed at rest, redacted when shown, and opened for the connector', async () => {
    const at = { at: runtime.now(), actor: 'test' };
    await saveApp(db, { id: 'legacy', name: 'Legacy', connector: 'scim', config }, at);
    expect(await sealStoredSecrets(runtime, at)).toEqual(['legacy']);
    const everything = JSON.stringify([await db.all(sql`SELECT * FROM apps`), await db.all(sql`SELECT * FROM audit_events`)]);
    expect(everything).not.toContain('hunter2');
    const stored = await getApp(db, 'legacy');
    expect(redactSecrets(stored?.config ?? {})).toMatchObject({ baseUrl: '(redacted)', auth: { token: '(redacted)' } });
    expect(await openSecrets(runtime.sealKey, 'legacy', stored?.config ?? {})).toEqual({ ok: true, config });
  });

  it('an address without one is shown as it is, and so is a value that only looks sealed', async () => {
    expect(redactSecrets({ apiVersion: 'v1.2.0', baseUrl: 'https://user@scim.example' })).toEqual({ apiVersion: 'v1.2.0', baseUrl: 'https://user@scim.example' });
    const plain = { ...config, baseUrl: 'https://scim.example/v2' };
    const res = await app.request('/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hr', name: 'HR', connector: 'scim', config: plain }) });
    expect(await res.json()).toMatchObject({ config: { baseUrl: 'https://scim.example/v2' } });
  });
});

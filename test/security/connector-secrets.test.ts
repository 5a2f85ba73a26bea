// A password written into an app's address (`https://user:pass@host`) is a secret like any
// other: the API's answer and the audit log show `(redacted)`, the database holds it sealed, and
// the connector gets it back as it was.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openSecrets, redactSecrets } from '../../edge/connectors/secrets.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { getApp } from '../../edge/db/repos/apps.ts';
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
  it('is redacted in the answer and the audit log, sealed at rest, and opened for the connector', async () => {
    const res = await app.request('/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'crm', name: 'CRM', connector: 'scim', config }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ config: { baseUrl: '(redacted)', auth: { type: 'bearer', token: '(redacted)' } } });
    const stored = await getApp(db, 'crm');
    const everything = JSON.stringify([await db.all(sql`SELECT * FROM apps`), await db.all(sql`SELECT * FROM audit_events`)]);
    expect(everything).not.toContain('hunter2');
    expect(await openSecrets(runtime.sealKey, 'crm', stored?.config ?? {})).toEqual({ ok: true, config });
  });

  it('an address without one is shown as it is, and so is a value that only looks sealed', async () => {
    expect(redactSecrets({ apiVersion: 'v1.2.0', baseUrl: 'https://user@scim.example' })).toEqual({ apiVersion: 'v1.2.0', baseUrl: 'https://user@scim.example' });
    const plain = { ...config, baseUrl: 'https://scim.example/v2' };
    const res = await app.request('/v1/apps', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'hr', name: 'HR', connector: 'scim', config: plain }) });
    expect(await res.json()).toMatchObject({ config: { baseUrl: 'https://scim.example/v2' } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { startImportRun } from '../../edge/db/repos/import-runs.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { IMPORT_BODY_LIMIT, importRoutes } from '../../edge/routes/imports.ts';
import { createRuntime } from '../../edge/runtime.ts';

const ctx = { at: '2025-06-02T08:00:00.000Z', actor: 'test' };
let db: LibsqlDb;
let app: ReturnType<typeof createApp>;
let admin: string;
let reader: string;

beforeAll(async () => {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  const files = [
    { path: 'settings.yaml', text: 'kind: settings\nattributes: { department: string, level: number }\n' },
    { path: 'apps.yaml', text: 'kind: app\nid: github\nconnector: scim\n' },
    { path: 'eng.yaml', text: 'kind: assignment\nid: eng-github\nwhen: { all: [{ fact: department, operator: equal, value: Engineering }] }\nassign: [{ app: github }]\n' },
  ];
  await saveRuleSet(db, { version: 'v1', files, source: 'test' }, ctx, { activate: true });
  admin = (await createToken(db, { scope: 'admin' }, ctx)).token;
  reader = (await createToken(db, { scope: 'read' }, ctx)).token;
  app = createApp(await createRuntime({ db, log: () => {} }), [{ path: '/v1/imports', routes: importRoutes, bodyLimit: IMPORT_BODY_LIMIT }]);
});
afterAll(() => db.$client.close());

const post = (body: string, type = 'text/csv', query = '', token = admin) =>
  app.request(`/v1/imports${query}`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body });

describe('/v1/imports', () => {
  it('imports a csv body, plans it, and shows the run', async () => {
    const res = await post('id,firstName,lastName,email,department,level\ne1,Ada,Lovelace,ada@acme.example,Engineering,5\ne2,Bo,Berg,bo@acme.example,Sales,3\n', 'text/csv', '?fileName=feed.csv');
    expect(res.status).toBe(201);
    const body = (await res.json()) as { run: { id: string; created: number; status: string }; plan: { actions: number } };
    expect(body.run).toMatchObject({ status: 'done', created: 2 });
    expect(body.plan.actions).toBe(1);
    const [outbox] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM outbox WHERE type = 'account.create' AND user_id = 'e1'`);
    expect(Number(outbox?.n)).toBe(1);
    const got = await app.request(`/v1/imports/${body.run.id}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ id: body.run.id, fileName: 'feed.csv', created: 2 });
  });

  it('refuses an invalid json file with 422 and the errors by line, writing no identity', async () => {
    const text = '[\n  {"id": "e3", "firstName": "Cy", "lastName": "Dee", "email": "cy@acme.example", "level": "high"}\n]';
    const res = await post(text, 'application/json');
    expect(res.status).toBe(422);
    const body = (await res.json()) as { run: { status: string }; errors: unknown[] };
    expect(body.run.status).toBe('failed');
    expect(body.errors).toEqual([{ line: 2, id: 'e3', message: '`level` must be a number, got `high`' }]);
    const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identities WHERE id = 'e3'`);
    expect(Number(row?.n)).toBe(0);
  });

  it('refuses a `__proto__` column with 422, and the server process stays unpolluted for the next import', async () => {
    const res = await post('id,firstName,lastName,email,__proto__.admin\ne4,Eve,Ill,eve@acme.example,yes\n');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([{ line: 1, message: 'column 5 `__proto__.admin` uses the reserved name `__proto__`' }]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect((await post('id,firstName,lastName,email\ne5,Flo,Fox,flo@acme.example\n')).status).toBe(201);
  });

  it('refuses a file that is not UTF-8 (a Latin-1 export) with 400 naming the line, writing nothing', async () => {
    const latin1 = Buffer.from('id,firstName,lastName,email\ne6,Zoë,Ünal,zoe@acme.example\n', 'latin1');
    const res = await app.request('/v1/imports', { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${admin}` }, body: latin1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_request', message: 'the file is not UTF-8 text: line 2 holds bytes that are not (save it as UTF-8 and send it again)' } });
    const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM identities WHERE id = 'e6'`);
    expect(Number(row?.n)).toBe(0);
    expect((await post('id,firstName,lastName,email\ne6,Zoë,Ünal,zoe@acme.example\n')).status).toBe(201);
  });

  it('lists import runs newest first, by source: `hr` is every HR file (changes files too), not the imports from apps', async () => {
    expect((await post('op,id,level\nupsert,e1,6\n', 'text/csv', '?mode=incremental')).status).toBe(201);
    await startImportRun(db, { id: 'read-crm', source: 'app:crm' }, ctx);
    await startImportRun(db, { id: 'read-hrx', source: 'hrx' }, ctx);
    const list = async (query: string) => {
      const res = await app.request(`/v1/imports${query}`, { headers: { authorization: `Bearer ${reader}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { source: string }[] }).items.map((r) => r.source);
    };
    const all = await list('');
    expect(all).toEqual(expect.arrayContaining(['app:crm', 'hrx', 'hr', 'hr:changes']));
    expect(await list('?source=hr')).toEqual(all.filter((s) => s === 'hr' || s === 'hr:changes'));
    expect(await list('?source=app')).toEqual(['app:crm']);
    expect(await list('?source=app:crm')).toEqual(['app:crm']);
  });

  it('answers 415 for other media types, 403 for read tokens, 404 for unknown imports', async () => {
    expect((await post('x', 'application/xml')).status).toBe(415);
    expect((await post('id\ne1\n', 'text/csv', '', reader)).status).toBe(403);
    expect((await app.request('/v1/imports/nope', { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);
  });
});

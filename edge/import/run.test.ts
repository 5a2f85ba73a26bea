import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { verifyAudit } from '../audit/verify.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { getIdentity, updateIdentity } from '../db/repos/identities.ts';
import type { Identity } from '../db/repos/identities.ts';
import { getImportRun } from '../db/repos/import-runs.ts';
import { startImportRun } from '../db/repos/import-runs.ts';
import { newIdentityRow } from '../db/repos/identities.ts';
import { runImport } from './run.ts';
import { writeImport } from './write.ts';

const ctx = { at: '2025-03-01T09:00:00.000Z', actor: 'test' };
const types = { level: 'number', startDate: 'date', terminationDate: 'date' } as const;
let db: LibsqlDb | undefined;
afterEach(() => db?.$client.close());

async function open(): Promise<LibsqlDb> {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  return db;
}

const HEADER = 'id,firstName,lastName,email,department,title,level,startDate,terminationDate,timeZone,address.country';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';
const ADA = 'e1,Ada,Lovelace,ada@acme.example,Engineering,Engineer,5,2021-04-12,,Europe/London,GB';
const GRACE = 'e2,Grace,Hopper,grace@acme.example,Engineering,Manager,7,2019-01-07,,America/New_York,US';

async function count(db: LibsqlDb, table: string): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`));
  return Number(row?.n ?? 0);
}

describe('runImport', () => {
  it('creates identities from a csv, sourcing attributes as `hr`, with typed values and the login from the email', async () => {
    const db = await open();
    const result = await runImport(db, { runId: 'imp1', text: csv(ADA, GRACE), fileName: 'workers.csv', types }, ctx);
    expect(result.errors).toEqual([]);
    expect(result.run).toMatchObject({ status: 'done', total: 2, created: 2, updated: 0, failed: 0 });
    const ada = await getIdentity(db, 'e1');
    expect(ada).toMatchObject({ login: 'ada@acme.example', email: 'ada@acme.example', status: 'ACTIVE', version: 1 });
    expect(ada?.profile).toEqual({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.example', department: 'Engineering', title: 'Engineer', level: 5, startDate: '2021-04-12', timeZone: 'Europe/London', address: { country: 'GB' } });
    expect(ada?.sources.level).toEqual({ hr: 5 });
    expect((await verifyAudit(db)).ok).toBe(true);
  });

  it('refuses the whole file when one record is invalid, listing every problem with its line, and writes no identity', async () => {
    const db = await open();
    const text = csv(ADA, 'e2,Grace,,grace@,Engineering,Manager,seven,2019-02-30,,Mars/Olympus,US', GRACE.replace('e2', 'e1'));
    const result = await runImport(db, { runId: 'imp1', text, fileName: 'workers.csv', types }, ctx);
    expect(result.run).toMatchObject({ status: 'failed', total: 3, created: 0, failed: 2 });
    const messages = result.errors.map((e) => `${e.line}: ${e.message}`);
    expect(messages).toEqual([
      '3: missing `lastName`',
      '3: `email` is not an email address: `grace@`',
      '3: `level` must be a number, got `seven`',
      '3: `startDate` must be a date YYYY-MM-DD, got `2019-02-30`',
      '3: `timeZone` must be an IANA time zone such as `Europe/Berlin`, got `Mars/Olympus`',
      '4: duplicate id `e1` (first at line 2)',
    ]);
    expect(await count(db, 'identities')).toBe(0);
    expect((await getImportRun(db, 'imp1'))?.errors).toHaveLength(6);
  });

  it('with skipInvalid imports the valid records and records the others', async () => {
    const db = await open();
    const result = await runImport(db, { runId: 'imp1', text: csv(ADA, 'e2,Grace,Hopper,not-an-email,Engineering,Manager,7,,,,'), fileName: 'w.csv', types, skipInvalid: true }, ctx);
    expect(result.run).toMatchObject({ status: 'done', created: 1, failed: 1 });
    expect(result.written).toEqual(['e1']);
    expect(result.errors[0]).toMatchObject({ line: 3, id: 'e2' });
  });

  it('reads json arrays with each record’s line', async () => {
    const db = await open();
    const text = JSON.stringify([{ id: 'e1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.example' }, { id: 'e2', firstName: 'Grace', email: 'grace@acme.example' }], null, 2);
    const result = await runImport(db, { runId: 'imp1', text, fileName: 'w.json' }, ctx);
    expect(result.errors).toEqual([{ line: 8, id: 'e2', message: 'missing `lastName`' }]);
  });

  it('a malformed file is one error with its line', async () => {
    const db = await open();
    const result = await runImport(db, { runId: 'imp1', text: 'id,firstName\ne1,"Ada\n', fileName: 'w.csv' }, ctx);
    expect(result.run.status).toBe('failed');
    expect(result.errors[0]?.message).toMatch(/^malformed csv: /);
  });

  it('a second identical import changes nothing; a changed worker is updated and keeps other sources’ values', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA, GRACE), types }, ctx);
    const again = await runImport(db, { runId: 'imp2', text: csv(ADA, GRACE), types }, ctx);
    expect(again.run).toMatchObject({ status: 'done', created: 0, updated: 0 });
    expect(again.unchanged).toBe(2);
    // An admin sets an attribute HR does not send: the next full HR import keeps it.
    const ada = (await getIdentity(db, 'e1'))!;
    await updateIdentity(db, 'e1', ada.version, { sources: { ...ada.sources, nickname: { admin: 'Countess' } }, profile: { ...ada.profile, nickname: 'Countess' } }, ctx);
    const moved = await runImport(db, { runId: 'imp3', text: csv(ADA.replace('Engineer,5', 'Staff Engineer,6'), GRACE), types }, ctx);
    expect(moved.run).toMatchObject({ updated: 1, created: 0 });
    const after = await getIdentity(db, 'e1');
    expect(after?.profile).toMatchObject({ title: 'Staff Engineer', level: 6, nickname: 'Countess' });
    expect(after?.version).toBe(3);
  });

  it('a full file drops attributes HR no longer sends', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA), types }, ctx);
    await runImport(db, { runId: 'imp2', text: csv(ADA.replace(',Europe/London,', ',,')), types }, ctx);
    expect((await getIdentity(db, 'e1'))?.profile.timeZone).toBeUndefined();
  });

  it('incremental files upsert only the attributes sent and terminate by employee id', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA, GRACE), types }, ctx);
    const changes = ['op,id,title,terminationDate', 'upsert,e1,Principal Engineer,', 'terminate,e2,,2025-03-31', 'terminate,e9,,', 'upsert,e3,Intern,'].join('\n');
    const refused = await runImport(db, { runId: 'imp2', text: changes, mode: 'incremental', types }, ctx);
    expect(refused.errors.map((e) => `${e.line}: ${e.message}`)).toEqual(['4: cannot terminate `e9`: no such worker', '5: new worker `e3` needs `firstName`, `lastName`, `email`']);
    expect((await getIdentity(db, 'e1'))?.profile.title).toBe('Engineer');
    const ok = await runImport(db, { runId: 'imp3', text: changes.split('\n').slice(0, 3).join('\n'), mode: 'incremental', types }, ctx);
    expect(ok.errors).toEqual([]);
    expect(await getIdentity(db, 'e1')).toMatchObject({ status: 'ACTIVE', profile: { title: 'Principal Engineer', level: 5 } });
    await runImport(db, { runId: 'imp4', text: 'op,id\nterminate,e1', mode: 'incremental', types }, ctx);
    expect(await getIdentity(db, 'e1')).toMatchObject({ status: 'DEPROVISIONED', profile: { title: 'Principal Engineer', department: 'Engineering' } });
    expect(await getIdentity(db, 'e2')).toMatchObject({ status: 'ACTIVE', profile: { terminationDate: '2025-03-31', department: 'Engineering' } });
  });

  it('refuses a login another identity holds, and plans what it wrote', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA), types }, ctx);
    const clash = await runImport(db, { runId: 'imp2', text: csv(GRACE.replace('grace@', 'ada@')), types }, ctx);
    expect(clash.errors).toEqual([{ line: 2, id: 'e2', message: 'login `ada@acme.example` belongs to identity `e1`' }]);
    const planned: string[][] = [];
    const handed: Identity[] = [];
    const plan = async (ids: string[], rows: readonly Identity[]) => (planned.push(ids), handed.push(...rows), { runId: 'run1', actions: 3, held: false });
    const result = await runImport(db, { runId: 'imp3', text: csv(ADA, GRACE), types, plan }, ctx);
    expect(planned).toEqual([['e2']]);
    expect(result.plan).toEqual({ runId: 'run1', actions: 3, held: false });
    // The planner is handed the rows as stored: what reading them back gives.
    expect(handed).toEqual([await getIdentity(db, 'e2')]);
    expect(handed[0]).toMatchObject({ id: 'e2', version: 1, profile: { level: 7, startDate: '2019-01-07', address: { country: 'US' } } });
  });

  it('refuses a login another identity holds in another case (SCIM userName matches without case)', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA), types }, ctx);
    const upper = await runImport(db, { runId: 'imp2', text: `id,firstName,lastName,email,login\ne2,Grace,Hopper,grace@acme.example,Ada@ACME.example\n`, types }, ctx);
    expect(upper.errors).toEqual([{ line: 2, id: 'e2', message: 'login `Ada@ACME.example` belongs to identity `e1`' }]);
    expect(await getIdentity(db, 'e2')).toBeUndefined();
    // Its own login in another case is still its own.
    const own = await runImport(db, { runId: 'imp3', text: `id,firstName,lastName,email,login\ne1,Ada,Lovelace,ada@acme.example,ADA@acme.example\n`, types }, ctx);
    expect(own.errors).toEqual([]);
  });

  it('a batch whose identity moved meanwhile fails whole: no row, no run outcome, no audit written', async () => {
    const db = await open();
    await runImport(db, { runId: 'imp1', text: csv(ADA), types }, ctx);
    await startImportRun(db, { id: 'imp2', source: 'hr' }, ctx);
    const audit = await count(db, 'audit_events');
    // Read at version 1, but someone else already wrote version 2: the import expected 1 → 2.
    const ada = (await getIdentity(db, 'e1'))!;
    await updateIdentity(db, 'e1', 1, { profile: { ...ada.profile, title: 'Countess' } }, ctx);
    const fresh = { ...newIdentityRow({ id: 'e9', login: 'e9@acme.example' }, ctx.at), version: 1 };
    const stale = { ...ada, profile: { ...ada.profile, title: 'Stale' }, version: 2 };
    const result = await writeImport(db, 'imp2', [{ row: fresh, expectedVersion: 0, line: 2 }, { row: stale, expectedVersion: 1, line: 3 }], { total: 2, created: 1, updated: 1, failed: 0, errors: [] }, ctx);
    expect(result).toMatchObject({ ok: false, code: 'stale' });
    expect(await getIdentity(db, 'e9')).toBeUndefined();
    expect((await getIdentity(db, 'e1'))?.profile.title).toBe('Countess');
    expect((await getImportRun(db, 'imp2'))?.status).toBe('running');
    expect(await count(db, 'audit_events')).toBe(audit + 1);
  });
});

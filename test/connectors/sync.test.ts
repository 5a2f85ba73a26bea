// Import from a SCIM app and drift, end to end against scimmy: situations and admin decisions,
// a failed read that changes nothing, then drift found, repaired through a planned run, and
// delivered by the dispatcher until the app matches the rules again.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashJson } from '../../engine/hash.ts';
import type { SourceFile } from '../../engine/types.ts';
import { appReadHealth, decideImportItem, importFromApp } from '../../edge/connectors/sync/import.ts';
import { checkDrift, repairDrift } from '../../edge/connectors/sync/drift.ts';
import type { Db } from '../../edge/db/index.ts';
import { getAccount } from '../../edge/db/repos/accounts.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createIdentity } from '../../edge/db/repos/identities.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { appImportItems, runs } from '../../edge/db/schema.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import type { Runtime } from '../../edge/runtime.ts';
import { openDb, quietRuntime } from '../dispatch/harness.ts';
import type { ScimServer } from './peers/scim-server.ts';
import { startScimServer } from './peers/scim-server.ts';

const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
let server: ScimServer;
let db: Db;
let runtime: Runtime;

async function put(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${server.baseUrl}/Users`, {
    method: 'POST',
    headers: { authorization: 'Bearer scim-test-token', 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, ...extra }),
  });
  return ((await response.json()) as { id: string }).id;
}

const files: SourceFile[] = [
  { path: 'rules/apps/crm.yaml', text: 'kind: app\nid: crm\nname: CRM\nconnector: scim\nattributes:\n  userName: user.email\n  displayName: user.displayName\n' },
  { path: 'rules/assignments/crm.yaml', text: 'kind: assignment\nid: eng-crm\nwhen:\n  all:\n    - { fact: department, operator: equal, value: Engineering }\nassign:\n  - { app: crm }\n' },
];

beforeAll(async () => {
  server = await startScimServer();
  db = await openDb();
  runtime = await quietRuntime(db);
  await saveRuleSet(db, { version: hashJson(files), files, source: 'upload' }, ctx, { activate: true });
  const people = [
    ['ann', 'ann@example.com', 'Ann'],
    ['bo', 'shared@example.com', 'Bo'],
    ['cy', 'shared@example.com', 'Cy'],
    ['dee', 'dee@example.com', 'Dee'],
  ];
  for (const [id, email, name] of people) await createIdentity(db, { id: id as string, login: id as string, email, profile: { department: 'Engineering', displayName: name } }, ctx);
  await saveApp(db, { id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'scim-test-token' }, match: [{ user: 'email', app: 'email' }] } }, ctx);
  await put('ann@example.com', { emails: [{ value: 'ann@example.com', primary: true }], displayName: 'Ann' });
  await put('shared@example.com', { emails: [{ value: 'shared@example.com', primary: true }], displayName: 'Bo or Cy' });
  await put('stranger@example.com', { emails: [{ value: 'stranger@example.com', primary: true }] });
});
afterAll(() => server.close());

describe('import from a scim app', () => {
  it('correlates by the matching rules; matches wait for an admin, who confirms one of the candidates', async () => {
    const summary = await importFromApp(runtime, 'crm');
    expect(summary).toMatchObject({ health: 'ok', counts: { linked: 0, unlinked: 1, disputed: 1, unmatched: 1, deleted: 0 }, linked: 0, pending: 2 });
    const items = await db.select().from(appImportItems);
    const disputed = items.find((i) => i.situation === 'disputed');
    expect(disputed?.candidates).toEqual(['bo', 'cy']);
    expect(await decideImportItem(runtime, disputed?.id as string, { confirm: true, userId: 'dee' }, 'admin')).toMatchObject({ ok: false, code: 'bad_user' });
    expect(await decideImportItem(runtime, disputed?.id as string, { confirm: true, userId: 'cy' }, 'admin')).toEqual({ ok: true, userId: 'cy' });
    expect(await decideImportItem(runtime, disputed?.id as string, { confirm: true, userId: 'cy' }, 'admin')).toMatchObject({ ok: false, code: 'not_pending' });
    const unlinked = items.find((i) => i.situation === 'unlinked');
    expect(await decideImportItem(runtime, unlinked?.id as string, { confirm: true }, 'admin')).toEqual({ ok: true, userId: 'ann' });
    expect(await getAccount(db, 'ann', 'crm')).toMatchObject({ status: 'active', externalId: unlinked?.externalId });
    // A second import sees them linked.
    const again = await importFromApp(runtime, 'crm');
    expect(again.counts).toMatchObject({ linked: 2, unmatched: 1 });
  });

  it('auto-confirms single matches when the app says so', async () => {
    await put('dee@example.com', { emails: [{ value: 'dee@example.com', primary: true }] });
    await saveApp(db, { id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'scim-test-token' }, match: [{ user: 'email', app: 'email' }], autoConfirm: true } }, ctx);
    const summary = await importFromApp(runtime, 'crm');
    expect(summary).toMatchObject({ linked: 3, pending: 0 });
    expect(await getAccount(db, 'dee', 'crm')).toMatchObject({ status: 'active' });
  });

  it('a failed read links nothing, removes nothing, and marks the app failed for the planner', async () => {
    await saveApp(db, { id: 'down', name: 'Down', connector: 'scim', config: { baseUrl: 'http://127.0.0.1:9/scim/v2', auth: { type: 'bearer', token: 't' }, timeoutMs: 500 } }, ctx);
    const summary = await importFromApp(runtime, 'down');
    expect(summary).toMatchObject({ health: 'failed', linked: 0 });
    expect(summary.error).toMatch(/GET \/scim\/v2\/ServiceProviderConfig failed/);
    expect(await appReadHealth(db)).toMatchObject({ down: 'failed', crm: 'ok' });
  });
});

describe('drift', () => {
  it('finds drift, repairs it through a planned run, and the dispatcher makes the app match again', async () => {
    const dee = [...server.users.values()].find((u) => u.userName === 'dee@example.com');
    if (dee) server.users.set(dee.id, { ...dee, active: false, displayName: 'Someone Else' });
    const check = await checkDrift(runtime, 'crm');
    const kinds = check.findings.map((f) => `${f.kind} ${f.userId ?? f.detail.externalId}`).sort();
    // cy's account was imported with the app's display name, not the one the rules compute.
    expect(kinds).toEqual(['attribute cy', 'attribute dee', 'missing-account bo', 'status dee', 'unexpected-account ' + [...server.users.values()].find((u) => u.userName === 'stranger@example.com')?.id].sort());

    const repair = await repairDrift(runtime, 'crm');
    expect(repair).toMatchObject({ held: false });
    expect(repair.actions).toBeGreaterThanOrEqual(2);
    // What its run put in the outbox, as the run itself counts it.
    const [run] = await runtime.db.select().from(runs).where(eq(runs.id, repair.runId ?? ''));
    expect(repair.queued).toBe(run?.summary.queued);
    expect(repair.queued).toBeGreaterThan(0);
    const dispatcher = createDispatcher(runtime, { pollMs: 10 });
    await dispatcher.tick();
    await dispatcher.drain();
    expect(dispatcher.counts.dead).toBe(0);
    const after = await checkDrift(runtime, 'crm');
    expect(after.findings.filter((f) => f.userId === 'dee')).toEqual([]);
    expect([...server.users.values()].find((u) => u.userName === 'dee@example.com')).toMatchObject({ active: true, displayName: 'Dee' });
  });

  it('an empty read concludes nothing', async () => {
    const saved = new Map(server.users);
    server.users.clear();
    try {
      const check = await checkDrift(runtime, 'crm');
      expect(check).toMatchObject({ health: 'empty', findings: [] });
    } finally {
      for (const [k, v] of saved) server.users.set(k, v);
    }
  });
});

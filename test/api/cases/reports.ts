// Reports (JSON and CSV), the audit listing, and the OpenAPI document.
import { expect, it } from 'vitest';
import { recordAccounts } from '../../../edge/db/repos/accounts.ts';
import { completeAction } from '../../../edge/db/repos/outbox.ts';
import { createManualTask } from '../../../edge/db/repos/manual-tasks.ts';
import { createRun, decideRun } from '../../../edge/db/repos/runs.ts';
import type { Action, ActionType } from '../../../engine/types.ts';
import type { MakeRuntime } from '../context.ts';
import { setup } from '../context.ts';
import { seed } from './runs.ts';

export function reportCases(makeRuntime: MakeRuntime): void {
  it('counts accounts per app, with licenses, as JSON and CSV', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 2, 1);
    expect((await t.call('POST', '/v1/apps', { body: { id: 'github', name: 'GitHub', connector: 'scim', config: { baseUrl: 'https://scim.example', auth: { type: 'bearer', token: 't' } } } })).status).toBe(201);
    const ctx = { at: t.runtime.now(), actor: 'test' };
    await recordAccounts(t.runtime.db, [
      { userId: 'u1', appId: 'github', status: 'active' },
      { userId: 'u2', appId: 'github', status: 'suspended' },
      { userId: 's1', appId: 'github', status: 'deactivated' },
      { userId: 'u1', appId: 'wiki', status: 'active' },
    ], ctx);
    const json = await t.call('GET', '/v1/reports/accounts-per-app');
    expect(json.body.items).toEqual([
      { appId: 'github', name: 'GitHub', active: 1, suspended: 1, deactivated: 1, licensed: 2, total: 3 },
      { appId: 'wiki', name: 'wiki', active: 1, suspended: 0, deactivated: 0, licensed: 1, total: 1 },
    ]);
    const csv = await t.call('GET', '/v1/reports/accounts-per-app?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toBe('appId,name,active,suspended,deactivated,licensed,total\r\ngithub,GitHub,1,1,1,2,3\r\nwiki,wiki,1,0,0,1,1\r\n');
    const byAccept = await t.call('GET', '/v1/reports/accounts-per-app', { headers: { accept: 'text/csv' } });
    expect(byAccept.text).toBe(csv.text);
    // A weight below JSON's, or none at all for CSV, keeps JSON (RFC 9110 12.5.1).
    for (const accept of ['text/csv;q=0.1, application/json', 'application/json, text/csv;q=0.5', 'text/csv;q=0, */*', '*/*']) {
      expect((await t.call('GET', '/v1/reports/accounts-per-app', { headers: { accept } })).headers.get('content-type'), accept).toContain('application/json');
    }
    expect((await t.call('GET', '/v1/reports/accounts-per-app', { headers: { accept: 'text/csv, application/json;q=0.9' } })).headers.get('content-type')).toContain('text/csv');
    // Excel reads the file as UTF-8 only with a byte order mark (response.text() drops it: the bytes keep it).
    const raw = await t.app.request('/v1/reports/accounts-per-app?format=csv', { headers: { authorization: `Bearer ${t.tokens.admin}` } });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 6)]).toEqual([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('app')]);
  });

  it('finds orphaned accounts: no identity, or not assigned by the active rules', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 1);
    await recordAccounts(t.runtime.db, [
      { userId: 'u1', appId: 'github', status: 'active' },
      { userId: 's1', appId: 'github', status: 'active' },
      { userId: 'ghost', appId: 'wiki', status: 'active', externalId: '=cmd()' },
      { userId: 's1', appId: 'wiki', status: 'active' },
    ], { at: t.runtime.now(), actor: 'test' });
    const res = await t.call('GET', '/v1/reports/orphaned-accounts');
    expect(res.body.items.map((r: { appId: string; userId: string; reason: string }) => `${r.appId} ${r.userId} ${r.reason}`)).toEqual([
      'github s1 not assigned by the active rules',
      'wiki ghost no identity',
    ]);
    const csv = await t.call('GET', '/v1/reports/orphaned-accounts?format=csv');
    expect(csv.text).toContain("'=cmd()");
  });

  it('lists pending manual tasks, deprovisions in a period and held runs', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    await createManualTask(t.runtime.db, { id: 't1', actionId: 'a1', appId: 'badge', userId: 'u1', description: 'issue a badge, "now"', owners: ['fac@example.com'] }, { at: t.runtime.now(), actor: 'test' });
    const tasks = await t.call('GET', '/v1/reports/manual-tasks?format=csv');
    expect(tasks.text).toContain('t1,badge,u1,"issue a badge, ""now""",fac@example.com,');
    await recordAccounts(t.runtime.db, [{ userId: 'u1', appId: 'github', status: 'active' }], { at: t.runtime.now(), actor: 'test' });
    const from = t.runtime.now();
    await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    const to = t.runtime.now();
    const inPeriod = await t.call('GET', `/v1/reports/deprovisions?from=${from}&to=${to}`);
    expect(inPeriod.body.items.map((r: { type: string; appId: string; userId: string }) => `${r.type} ${r.appId} ${r.userId}`)).toEqual(['account.deactivate github u1']);
    expect((await t.call('GET', `/v1/reports/deprovisions?to=${from}`)).body.items).toEqual([]);
    expect((await t.call('GET', '/v1/reports/held-runs')).body.items).toEqual([]);
  });

  it('reports a deprovision in the period it was planned again, not when the same action was first planned', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    const db = t.runtime.db;
    const accounts = (status: 'active' | 'suspended') => recordAccounts(db, [{ userId: 'u1', appId: 'github', status, role: 'developer' }, { userId: 'u1', appId: 'wiki', status }], { at: t.runtime.now(), actor: 'test' });
    const deliver = async (actions: { id: string }[]) => {
      for (const a of actions) expect((await completeAction(db, a.id, { at: t.runtime.now(), actor: 'test' })).ok).toBe(true);
    };
    await accounts('active');
    const first = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    await deliver(first.body.actions);
    await accounts('suspended');
    await deliver((await t.call('POST', '/v1/users/u1/lifecycle/unsuspend')).body.actions);
    await accounts('active');
    const from = t.runtime.now();
    const second = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    const to = t.runtime.now();
    // The same change, so the same action ids as the first suspension, queued again by this run.
    expect(second.body.actions.map((a: { id: string }) => a.id).sort()).toEqual(first.body.actions.map((a: { id: string }) => a.id).sort());
    const report = await t.call('GET', `/v1/reports/deprovisions?from=${from}&to=${to}`);
    expect(report.body.items.map((r: { type: string; appId: string; status: string; runId: string }) => `${r.type} ${r.appId} ${r.status} ${r.runId === second.body.run.id}`)).toEqual(['account.suspend github pending true', 'account.suspend wiki pending true']);
    expect((await t.call('GET', `/v1/reports/deprovisions?to=${from}`)).body.items).toEqual([]);
  });

  it('counts identities per status and actions per day and type on the server, leaving out cancelled ones', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 2, 1);
    await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    expect((await t.call('GET', '/v1/reports/identities-by-status')).body.items).toEqual([
      { status: 'STAGED', count: 0 },
      { status: 'PROVISIONED', count: 0 },
      { status: 'ACTIVE', count: 2 },
      { status: 'SUSPENDED', count: 1 },
      { status: 'DEPROVISIONED', count: 0 },
    ]);
    const db = t.runtime.db;
    const action = (id: string, type: ActionType): Action => ({ id, type, userId: 'u2', appId: 'github', reason: { summary: 'test', rules: [], version: 'v', matched: [] } });
    const run = (id: string, at: string, status: 'planned' | 'held', actions: Action[]) =>
      createRun(db, { id, kind: 'reconcile', status, ruleSetVersion: 'v', asOf: at, summary: {}, heldReasons: status === 'held' ? ['test'] : [] }, actions, { at, actor: 'test' });
    await run('r1', '2025-03-01T08:00:00.000Z', 'planned', [action('a1', 'account.create'), action('a2', 'membership.add'), action('a3', 'account.create')]);
    await run('r2', '2025-03-02T23:59:59.000Z', 'held', [action('a4', 'account.deactivate')]);
    expect((await decideRun(db, 'r2', 'reject', { at: '2025-03-03T00:00:00.000Z', actor: 'test' })).ok).toBe(true);
    await run('r3', '2025-03-03T00:00:00.000Z', 'planned', [action('a5', 'account.suspend')]);
    const period = 'from=2025-03-01T00:00:00Z&to=2025-03-04T00:00:00Z';
    expect((await t.call('GET', `/v1/reports/actions-per-day?${period}`)).body.items).toEqual([
      { day: '2025-03-01', type: 'account.create', count: 2 },
      { day: '2025-03-01', type: 'membership.add', count: 1 },
      { day: '2025-03-03', type: 'account.suspend', count: 1 },
    ]);
    expect((await t.call('GET', `/v1/reports/actions-per-day?${period}&format=csv`)).text).toBe('day,type,count\r\n2025-03-01,account.create,2\r\n2025-03-01,membership.add,1\r\n2025-03-03,account.suspend,1\r\n');
    expect((await t.call('GET', '/v1/reports/actions-per-day?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z')).status).toBe(400);
  });

  it('lists the audit log newest first, filtered and paged', async () => {
    const t = await setup(makeRuntime);
    for (let i = 1; i <= 3; i++) await t.call('POST', '/v1/groups', { body: { id: `g${i}`, name: `G${i}` } });
    const first = await t.call('GET', '/v1/audit?type=group.&limit=2');
    expect(first.body.items.map((e: { subject: string }) => e.subject)).toEqual(['g3', 'g2']);
    expect(first.body.items[0]).toMatchObject({ type: 'group.create', actor: expect.stringMatching(/^token:tok_/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const second = await t.call('GET', `/v1/audit?type=group.&limit=2&cursor=${first.body.next}`);
    expect(second.body.items.map((e: { subject: string }) => e.subject)).toEqual(['g1']);
    expect(second.body.next).toBeUndefined();
    expect((await t.call('GET', '/v1/audit?type=token.create')).body.items).toHaveLength(Object.keys(t.tokens).length);
  });

  it('describes every admin route in /openapi.json', async () => {
    const t = await setup(makeRuntime);
    const doc = (await t.call('GET', '/openapi.json', { token: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/v1/users', '/v1/users/{id}', '/v1/users/{id}/lifecycle/{operation}', '/v1/users/{id}/password', '/v1/users/{id}/password/change', '/v1/groups/{id}', '/v1/apps', '/v1/rule-sets', '/v1/rule-sets/load', '/v1/rule-sets/{version}/activate', '/v1/simulate', '/v1/runs', '/v1/runs/{id}/approve', '/v1/outbox', '/v1/reports/orphaned-accounts', '/v1/audit']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/v1/users'].post.requestBody.content['application/json'].schema).toBeDefined();
    expect(doc.components.schemas.UserCreate.required).toContain('login');
  });
}

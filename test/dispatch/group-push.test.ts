// Group push end to end against a real SCIM server (scimmy on 127.0.0.1): reconcile runs plan,
// the dispatcher delivers, and what it delivered is recorded as the app's groups (app_groups,
// app_group_members), so the next plan creates the group once, adds a member once, and takes a
// member who left the group out of the app's group too, and renames it once when its name changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { observedState } from '../../edge/db/repos/accounts.ts';
import { createIdentity, getIdentity, updateIdentity } from '../../edge/db/repos/identities.ts';
import { outboxCounts } from '../../edge/db/repos/outbox.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import { reconcile } from '../../edge/services/reconcile.ts';
import type { ScimServer } from '../connectors/peers/scim-server.ts';
import { startScimServer } from '../connectors/peers/scim-server.ts';
import { ctx, openDb, quietRuntime, waitFor } from './harness.ts';

const RULES = [
  {
    path: 'apps/crm.yaml',
    text: `kind: app
id: crm
name: CRM
connector: scim
attributes:
  userName: { expr: 'user.email' }
  displayName: { expr: 'user.login' }
  email: { expr: 'user.email' }
deprovision:
  onUnassign: suspend
`,
  },
  { path: 'assignments/crm.yaml', text: `kind: assignment\nid: everyone-crm\nwhen: { all: [ { fact: email, operator: endsWith, value: '@example.com' } ] }\nassign: [ { app: crm } ]\n` },
  { path: 'groups/eng.yaml', text: `kind: group\nid: eng\nname: Engineering\npush:\n  - { app: crm }\nwhen: { all: [ { fact: department, operator: equal, value: Engineering } ] }\n` },
];

let server: ScimServer;
beforeAll(async () => {
  server = await startScimServer();
});
afterAll(() => server.close());

it('creates a pushed group once, adds each member once, removes a member who left the group, and renames it once', async () => {
  const db = await openDb();
  const runtime = await quietRuntime(db);
  await saveApp(db, { id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'scim-test-token' }, retry: { baseMs: 20, maxMs: 200 } } }, ctx);
  await saveRuleSet(db, { version: 'v1', files: RULES, source: 'test' }, ctx, { activate: true });
  for (const id of ['ann', 'bo']) {
    expect((await createIdentity(db, { id, login: id, email: `${id}@example.com`, status: 'ACTIVE', profile: { email: `${id}@example.com`, department: 'Engineering' } }, ctx)).ok).toBe(true);
  }
  const dispatcher = createDispatcher(runtime, { pollMs: 10 });
  const deliverAll = async () =>
    waitFor(async () => {
      await dispatcher.tick();
      await dispatcher.drain();
      const counts = await outboxCounts(db);
      return (counts.pending ?? 0) + (counts.failed ?? 0) + (counts.delivering ?? 0) === 0;
    }, 10_000, 30);
  const engGroup = () => [...server.groups.values()].filter((g) => g.externalId === 'eng');
  const memberNames = () => ((engGroup()[0]?.members ?? []) as { value: string }[]).map((m) => [...server.users.values()].find((u) => u.id === m.value)?.externalId).sort();

  const first = await reconcile(runtime, {}, ctx);
  expect(first.plan.actions.filter((a) => a.type.startsWith('group.') || a.type.startsWith('membership.')).map((a) => `${a.type} ${a.userId ?? ''}`).sort()).toEqual(['group.create ', 'membership.add ann', 'membership.add ann', 'membership.add bo', 'membership.add bo']);
  await deliverAll();
  expect(engGroup()).toHaveLength(1);
  expect(memberNames()).toEqual(['ann', 'bo']);
  expect((await observedState(db)).appGroups).toEqual([{ appId: 'crm', groupId: 'eng', name: 'Engineering', members: ['ann', 'bo'] }]);

  // Nothing to do: no group created again, no member added again.
  const again = await reconcile(runtime, {}, ctx);
  expect(again.plan.actions).toEqual([]);

  // bo leaves Engineering: out of Roster's group and out of the app's.
  const bo = await getIdentity(db, 'bo');
  expect((await updateIdentity(db, 'bo', bo?.version as number, { profile: { email: 'bo@example.com', department: 'Sales' } }, ctx)).ok).toBe(true);
  const left = await reconcile(runtime, {}, ctx);
  expect(left.plan.actions.map((a) => `${a.type} ${a.userId ?? ''} ${a.appId ?? ''}`).sort()).toEqual(['membership.remove bo ', 'membership.remove bo crm']);
  await deliverAll();
  expect(memberNames()).toEqual(['ann']);
  expect((await observedState(db)).appGroups?.[0]?.members).toEqual(['ann']);
  expect((await reconcile(runtime, {}, ctx)).plan.actions).toEqual([]);

  // The group renamed in the rules: renamed in the app once, and recorded so.
  const renamed = RULES.map((f) => (f.path === 'groups/eng.yaml' ? { ...f, text: f.text.replace('name: Engineering', 'name: Platform') } : f));
  await saveRuleSet(db, { version: 'v2', files: renamed, source: 'test' }, ctx, { activate: true });
  const rename = await reconcile(runtime, {}, ctx);
  expect(rename.plan.actions.map((a) => `${a.type} ${JSON.stringify(a.changes)}`)).toEqual(['group.update {"name":{"from":"Engineering","to":"Platform"}}']);
  await deliverAll();
  expect(engGroup()[0]?.displayName).toBe('Platform');
  expect((await observedState(db)).appGroups).toEqual([{ appId: 'crm', groupId: 'eng', name: 'Platform', members: ['ann'] }]);
  expect((await reconcile(runtime, {}, ctx)).plan.actions).toEqual([]);
  await dispatcher.stop();
});

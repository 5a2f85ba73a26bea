// RFC 7643 §4.2 (Group resource) through RFC 7644 §3.3–§3.6: members are Roster users,
// stored as memberships; users show their groups (readOnly, RFC 7643 §4.1.2).
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { recordAccounts } from '../../edge/db/repos/accounts.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { GROUP, PATCH_OP, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

describe('RFC 7643 §4.2 Groups', () => {
  it('POST with members, GET shows them with display and $ref; memberships are stored with source scim', async () => {
    const a = await s.createUser('alice', { displayName: 'Alice A' });
    const b = await s.createUser('bob');
    const res = await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Tour Guides', externalId: 'g-1', members: [{ value: a.id }, { value: b.id, type: 'User' }] } });
    expect(res.status).toBe(201);
    expect(res.body.members).toEqual([
      { value: a.id, $ref: `http://roster.test/scim/v2/Users/${a.id}`, type: 'User', display: 'Alice A' },
      { value: b.id, $ref: `http://roster.test/scim/v2/Users/${b.id}`, type: 'User', display: 'bob' },
    ]);
    const rows = await s.db.all<{ user_id: string; source: string }>(sql`SELECT user_id, source FROM memberships ORDER BY user_id`);
    expect(rows.map((r) => r.source)).toEqual(['scim', 'scim']);
    expect((await s.call('GET', `/Users/${a.id}`)).body.groups[0]).toMatchObject({ value: res.body.id, display: 'Tour Guides' });
  });
  it('a member that is no user, or a nested group, is 400 invalidValue; nothing written', async () => {
    expect((await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: 'nobody' }] } })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: 'x', type: 'Group' }] } })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(await s.rows('groups')).toBe(0);
  });
  it('filters on displayName and members; excludedAttributes=members (Entra) leaves them out', async () => {
    const a = await s.createUser('alice');
    const g1 = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Engineering', members: [{ value: a.id }] } })).body;
    await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Sales' } });
    const byName = await s.call('GET', `/Groups?filter=${encodeURIComponent('displayName eq "engineering"')}&excludedAttributes=members`);
    expect(byName.body.Resources).toEqual([expect.objectContaining({ id: g1.id, displayName: 'Engineering' })]);
    expect(byName.body.Resources[0].members).toBeUndefined();
    const byMember = await s.call('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${a.id}"]`)}`);
    expect(byMember.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['Engineering']);
  });
  it('PUT replaces members; PATCH replace of members empties it; DELETE removes the group and its memberships', async () => {
    const a = await s.createUser('alice');
    const b = await s.createUser('bob');
    const g = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: a.id }] } })).body;
    const put = await s.call('PUT', `/Groups/${g.id}`, { body: { schemas: [GROUP], displayName: 'G2', members: [{ value: b.id }] } });
    expect(put.body.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
    await s.call('PATCH', `/Groups/${g.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'members', value: [] }] } });
    expect((await s.call('GET', `/Groups/${g.id}`)).body.members).toBeUndefined();
    expect((await s.call('DELETE', `/Groups/${g.id}`)).status).toBe(204);
    expect((await s.call('GET', `/Groups/${g.id}`)).status).toBe(404);
    expect(await s.rows('memberships')).toBe(0);
  });
});

describe('RFC 7643 §4.2 Groups provision downstream', () => {
  it('adding a member plans what rules reading that group grant, in the same batch; removing plans it away', async () => {
    const ada = await s.createUser('ada');
    const g = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'On call' } })).body;
    const files = [
      { path: 'vpn.yaml', text: 'kind: app\nid: vpn\nconnector: manual\nowners: [it@acme.test]\n' },
      { path: 'oncall.yaml', text: `kind: assignment\nid: oncall-vpn\nwhen: { all: [ { fact: groups, operator: contains, value: ${g.id} } ] }\nassign: [ { app: vpn } ]\n` },
    ];
    await saveRuleSet(s.db, { version: 'v-groups', files, source: 'test' }, { at: s.runtime.now(), actor: 'test' }, { activate: true });
    const add = await s.call('PATCH', `/Groups/${g.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: ada.id }] }] } });
    expect(add.status).toBe(204);
    const queued = await s.db.all<{ type: string; user_id: string; app_id: string; payload: string }>(sql`SELECT type, user_id, app_id, payload FROM outbox`);
    expect(queued).toEqual([expect.objectContaining({ type: 'task.manual', user_id: ada.id, app_id: 'vpn' })]);
    expect(JSON.parse(queued[0]!.payload).reason.rules).toEqual(['oncall-vpn']);

    // The app now holds the account; taking Ada out of the group takes it away (manual app: a task).
    await recordAccounts(s.db, [{ userId: ada.id, appId: 'vpn', status: 'active' }], { at: s.runtime.now(), actor: 'test' });
    await s.call('PATCH', `/Groups/${g.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${ada.id}"]` }] } });
    const latest = await s.db.all<{ type: string; payload: string }>(sql`SELECT o.type, o.payload FROM outbox o JOIN runs r ON r.id = o.run_id ORDER BY r.created_at DESC LIMIT 1`);
    expect(JSON.parse(latest[0]!.payload)).toMatchObject({ type: 'task.manual', attributes: { operation: 'account.deactivate' } });
  });
});

// RFC 7644 §3.5.1 (replacing with PUT), §3.6 (deleting) and §3.14 (versioning: ETag,
// If-Match → 412, If-None-Match → 304).
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import type { Scim } from './harness.ts';
import { ENTERPRISE, ERROR, GROUP, USER, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

describe('RFC 7644 §3.5.1 PUT', () => {
  it('replaces every attribute SCIM owns: what is left out is cleared', async () => {
    const u = await s.createUser('bjensen', { title: 'Guide', nickName: 'Babs', [ENTERPRISE]: { department: 'Eng' } });
    const res = await s.call('PUT', `/Users/${u.id}`, { body: { schemas: [USER], userName: 'bjensen', title: 'Lead' } });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Lead');
    expect(res.body.nickName).toBeUndefined();
    expect(res.body[ENTERPRISE]).toBeUndefined();
    expect(res.body.meta.version).toBe('W/"2"');
  });
  it('keeps profile attributes SCIM does not own (an HR start date stays)', async () => {
    const u = await s.createUser('kept');
    await s.db.run(sql`UPDATE identities SET profile = json_set(profile, '$.startDate', '2025-02-01') WHERE id = ${u.id}`);
    await s.call('PUT', `/Users/${u.id}`, { body: { schemas: [USER], userName: 'kept', title: 'New' } });
    const [row] = await s.db.all<{ profile: string }>(sql`SELECT profile FROM identities WHERE id = ${u.id}`);
    expect(JSON.parse(row?.profile ?? '{}')).toMatchObject({ startDate: '2025-02-01', title: 'New' });
  });
  it('renaming userName onto a taken one (any case) is 409 uniqueness', async () => {
    await s.createUser('taken');
    const u = await s.createUser('mine');
    expect((await s.call('PUT', `/Users/${u.id}`, { body: { schemas: [USER], userName: 'TAKEN' } })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });
  it('an unknown id is 404 with a SCIM error', async () => {
    expect((await s.call('PUT', '/Users/nope', { body: { schemas: [USER], userName: 'x' } })).body).toEqual({ schemas: [ERROR], status: '404', detail: 'no user `nope`' });
  });
});

describe('RFC 7644 §3.6 DELETE', () => {
  it('204, then 404; memberships go too, and the accounts the rules gave are deprovisioned in the same batch', async () => {
    await saveRuleSet(
      s.db,
      {
        version: 'v1',
        files: [
          { path: 'apps/wiki.yaml', text: 'kind: app\nid: wiki\nconnector: manual\nowners: [it@example.com]\n' },
          { path: 'a.yaml', text: 'kind: assignment\nid: all-wiki\nwhen: { fact: status, operator: equal, value: ACTIVE }\nassign:\n  - { app: wiki }\n' },
        ],
        source: 'test',
      },
      { at: s.runtime.now(), actor: 'test' },
      { activate: true },
    );
    const u = await s.createUser('gone');
    await s.db.run(sql`INSERT INTO app_accounts (id, user_id, app_id, status, attributes) VALUES ('acc1', ${u.id}, 'wiki', 'active', '{}')`);
    await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: u.id }] } });
    const runs = await s.rows('runs');
    expect((await s.call('DELETE', `/Users/${u.id}`)).status).toBe(204);
    expect((await s.call('GET', `/Users/${u.id}`)).status).toBe(404);
    expect((await s.call('DELETE', `/Users/${u.id}`)).status).toBe(404);
    expect(await s.rows('memberships')).toBe(0);
    expect(await s.rows('runs')).toBe(runs + 1);
    const actions = await s.db.all<{ type: string; payload: string }>(sql`SELECT o.type, o.payload FROM outbox o JOIN runs r ON r.id = o.run_id WHERE o.user_id = ${u.id} ORDER BY r.created_at DESC LIMIT 1`);
    expect(actions[0]?.type).toBe('task.manual');
    expect(JSON.parse(actions[0]?.payload ?? '{}').attributes.operation).toBe('account.deactivate');
    const [event] = await s.db.all<{ type: string }>(sql`SELECT type FROM audit_events WHERE subject = ${u.id} ORDER BY seq DESC LIMIT 1`);
    expect(event?.type).toBe('identity.delete');
  });
});

describe('RFC 7644 §3.14 versioning', () => {
  it('meta.version on every resource is the ETag header; it moves with each change', async () => {
    const u = await s.createUser('v');
    const get = await s.call('GET', `/Users/${u.id}`);
    expect(get.headers.get('etag')).toBe('W/"1"');
    expect(get.body.meta.version).toBe('W/"1"');
    const g = await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G' } });
    expect(g.headers.get('etag')).toBe(g.body.meta.version);
    await s.call('PATCH', `/Groups/${g.body.id}`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }] } });
    expect((await s.call('GET', `/Groups/${g.body.id}`)).body.meta.version).not.toBe(g.body.meta.version);
  });
  it('If-None-Match on GET: 304 while it matches, 200 after a change', async () => {
    const u = await s.createUser('v');
    const res = await s.call('GET', `/Users/${u.id}`, { headers: { 'If-None-Match': 'W/"1"' } });
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    await s.call('PUT', `/Users/${u.id}`, { body: { schemas: [USER], userName: 'v', title: 't' } });
    expect((await s.call('GET', `/Users/${u.id}`, { headers: { 'If-None-Match': 'W/"1"' } })).status).toBe(200);
  });
  it('If-Match on PUT, PATCH and DELETE: 412 when stale, nothing written; applied when current', async () => {
    const u = await s.createUser('v');
    await s.call('PUT', `/Users/${u.id}`, { body: { schemas: [USER], userName: 'v', title: 'one' } });
    const audit = await s.rows('audit_events');
    const stale = { 'If-Match': 'W/"1"' };
    expect((await s.call('PUT', `/Users/${u.id}`, { headers: stale, body: { schemas: [USER], userName: 'v' } })).status).toBe(412);
    expect((await s.call('PATCH', `/Users/${u.id}`, { headers: stale, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: 'title' }] } })).body).toMatchObject({ schemas: [ERROR], status: '412' });
    expect((await s.call('DELETE', `/Users/${u.id}`, { headers: stale })).status).toBe(412);
    expect(await s.rows('audit_events')).toBe(audit);
    expect((await s.call('PUT', `/Users/${u.id}`, { headers: { 'If-Match': 'W/"2"' }, body: { schemas: [USER], userName: 'v' } })).status).toBe(200);
    expect((await s.call('DELETE', `/Users/${u.id}`, { headers: { 'If-Match': '*' } })).status).toBe(204);
  });
});

describe('a deactivation pushed before the accounts were delivered', () => {
  it('cancels what the user was about to get (an account, a manual task), in the same batch', async () => {
    await saveRuleSet(
      s.db,
      {
        version: 'v1',
        files: [
          { path: 'apps/wiki.yaml', text: 'kind: app\nid: wiki\nconnector: scim\n' },
          { path: 'apps/badge.yaml', text: 'kind: app\nid: badge\nconnector: manual\nowners: [facilities@example.com]\n' },
          { path: 'a.yaml', text: 'kind: assignment\nid: all\nwhen: { fact: status, operator: equal, value: ACTIVE }\nassign:\n  - { app: wiki }\n  - { app: badge }\n' },
        ],
        source: 'test',
      },
      { at: s.runtime.now(), actor: 'test' },
      { activate: true },
    );
    const u = await s.createUser('leaver');
    const waiting = () => s.db.all<{ type: string; status: string; last_error: string | null }>(sql`SELECT type, status, last_error FROM outbox WHERE user_id = ${u.id} ORDER BY type`);
    expect((await waiting()).map((a) => `${a.type} ${a.status}`)).toEqual(['account.create pending', 'task.manual pending']);
    const off = await s.call('PATCH', `/Users/${u.id}`, { body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] } });
    expect(off.status).toBe(200);
    const after = await waiting();
    expect(after.map((a) => `${a.type} ${a.status}`)).toEqual(['account.create cancelled', 'task.manual cancelled']);
    expect(after[0]?.last_error).toMatch(/^no longer planned: run \S+ planned this user again without it$/);
  });
});

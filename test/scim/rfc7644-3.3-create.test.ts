// RFC 7644 §3.3 (creating resources) and §3.12 errors on create: 201 with Location, ETag and
// meta; 409 uniqueness; 400 invalidSyntax for wrong schemas and malformed JSON; 413 for a
// 10 MB body — and nothing written when refused. RFC 7643 §4.1/§4.3 mapping onto identities.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import type { Scim } from './harness.ts';
import { ENTERPRISE, ERROR, USER, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

const RULES = [
  { path: 'apps/wiki.yaml', text: 'kind: app\nid: wiki\nconnector: manual\nowners: [it@example.com]\n' },
  { path: 'assignments/eng.yaml', text: 'kind: assignment\nid: eng-wiki\nwhen: { fact: department, operator: equal, value: Engineering }\nassign:\n  - { app: wiki }\n' },
];

describe('RFC 7644 §3.3 POST /Users', () => {
  it('§3.3: 201 with Location, ETag and meta; the identity holds the mapped profile (RFC 7643 §4.1, §4.3)', async () => {
    const res = await s.call('POST', '/Users', {
      body: {
        schemas: [USER, ENTERPRISE],
        userName: 'bjensen',
        externalId: 'okta-00u1',
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        title: 'Tour Guide',
        userType: 'FTE',
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        [ENTERPRISE]: { department: 'Engineering', employeeNumber: '701984', costCenter: 'CC-4300', manager: { value: 'boss-1' } },
      },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toContain('application/scim+json');
    expect(res.headers.get('location')).toBe(`http://roster.test/scim/v2/Users/${res.body.id}`);
    expect(res.headers.get('etag')).toBe(res.body.meta.version);
    expect(res.body.meta).toMatchObject({ resourceType: 'User', location: res.headers.get('location') });
    expect(res.body.externalId).toBe('okta-00u1');
    const [row] = await s.db.all<{ login: string; email: string; status: string; profile: string }>(sql`SELECT login, email, status, profile FROM identities WHERE id = ${res.body.id}`);
    expect(row).toMatchObject({ login: 'bjensen', email: 'bjensen@example.com', status: 'ACTIVE' });
    expect(JSON.parse(row?.profile ?? '{}')).toMatchObject({ firstName: 'Barbara', lastName: 'Jensen', title: 'Tour Guide', employeeType: 'FTE', department: 'Engineering', employeeNumber: '701984', costCenter: 'CC-4300', managerId: 'boss-1' });
  });

  it('§3.3: a create plans the user and queues its actions in the same batch as the identity and its audit event', async () => {
    await saveRuleSet(s.db, { version: 'v1', files: RULES, source: 'test' }, { at: s.runtime.now(), actor: 'test' }, { activate: true });
    const audit = await s.rows('audit_events');
    const user = await s.createUser('ada', { [ENTERPRISE]: { department: 'Engineering' } });
    const outbox = await s.db.all<{ type: string; user_id: string; app_id: string; run_id: string }>(sql`SELECT type, user_id, app_id, run_id FROM outbox`);
    expect(outbox).toEqual([expect.objectContaining({ type: 'task.manual', user_id: user.id, app_id: 'wiki' })]);
    const events = await s.db.all<{ type: string; subject: string; seq: number }>(sql`SELECT type, subject, seq FROM audit_events WHERE seq > ${audit} ORDER BY seq`);
    expect(events.map((e) => e.type)).toEqual(['identity.create', 'run.create']);
    expect(events[1]?.subject).toBe(outbox[0]?.run_id);
    // Not in Engineering: the rules ask for nothing, so no run is written.
    await s.createUser('grace', { [ENTERPRISE]: { department: 'Sales' } });
    expect(await s.rows('runs')).toBe(1);
  });

  it('§3.3 and RFC 7643 §4.1: userName is unique case-insensitively → 409 uniqueness, nothing written', async () => {
    await s.createUser('bjensen');
    const before = { identities: await s.rows('identities'), audit: await s.rows('audit_events') };
    const res = await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'BJensen' } });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ schemas: [ERROR], status: '409', scimType: 'uniqueness', detail: 'userName `BJensen` is taken' });
    expect({ identities: await s.rows('identities'), audit: await s.rows('audit_events') }).toEqual(before);
  });

  it('§3.3: `schemas` without the core schema, or with a foreign one, is 400 invalidSyntax', async () => {
    for (const schemas of [[ENTERPRISE], [USER, 'urn:example:other'], 'not-a-list']) {
      const res = await s.call('POST', '/Users', { body: { schemas, userName: 'x' } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });
    }
    expect(await s.rows('identities')).toBe(0);
  });

  it('§3.12: malformed JSON is 400 invalidSyntax and writes nothing', async () => {
    const res = await s.call('POST', '/Users', { raw: '{"schemas": ["' + USER + '"], "userName": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: '400', scimType: 'invalidSyntax', detail: 'the request body is not valid JSON' });
    expect(await s.rows('identities')).toBe(0);
  });

  it('§3.12: a 10 MB body is 413 with a SCIM error, nothing written', async () => {
    const audit = await s.rows('audit_events');
    const huge = JSON.stringify({ schemas: [USER], userName: 'big', displayName: 'x'.repeat(10 * 1024 * 1024) });
    const res = await s.call('POST', '/Users', { raw: huge });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(res.body.detail).toContain('maxPayloadSize (1048576)');
    expect(await s.rows('identities')).toBe(0);
    expect(await s.rows('audit_events')).toBe(audit);
  });

  it('RFC 7643 §2.2/§4.1: a missing userName or a wrongly typed value is 400 invalidValue', async () => {
    expect((await s.call('POST', '/Users', { body: { schemas: [USER], displayName: 'no name' } })).body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: '`userName` is required' });
    expect((await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'a', active: 'maybe' } })).body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: '`active` must be a boolean' });
    expect((await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'a', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] } })).body).toMatchObject({ scimType: 'invalidValue' });
    expect((await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'a', favouriteColour: 'blue' } })).body).toMatchObject({ scimType: 'invalidSyntax', detail: 'User has no attribute `favouriteColour`' });
    expect(await s.rows('identities')).toBe(0);
  });

  it('RFC 7643 §7: readOnly attributes sent on create are ignored (id, meta, groups)', async () => {
    const res = await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'ro', id: 'chosen', meta: { version: 'W/"9"' }, groups: [{ value: 'admins' }] } });
    expect(res.status).toBe(201);
    expect(res.body.id).not.toBe('chosen');
    expect(res.body.meta.version).toBe('W/"1"');
    expect(res.body.groups).toBeUndefined();
  });
});

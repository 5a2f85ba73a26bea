// RFC 7644 §3.5.2 (modifying with PATCH): add, remove, replace, with and without a path,
// value filters in paths, multi-valued attributes, mutability (RFC 7643 §2.2) — and the
// dialects Entra and Okta send, each normalised to the same result.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { ENTERPRISE, ERROR, GROUP, PATCH_OP, scim } from './harness.ts';

let s: Scim;
let id: string;
beforeEach(async () => {
  s = await scim();
  id = (
    await s.createUser('bjensen', {
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@home.org', type: 'home' }],
      phoneNumbers: [{ value: '555-0100', type: 'work' }],
      [ENTERPRISE]: { department: 'Engineering' },
    })
  ).id;
});
afterEach(() => s.close());

const patch = (operations: unknown[], target = `/Users/${id}`) => s.call('PATCH', target, { body: { schemas: [PATCH_OP], Operations: operations } });

describe('RFC 7644 §3.5.2.1 add', () => {
  it('with a path: a singular attribute is set, a multi-valued one gains values', async () => {
    const res = await patch([
      { op: 'add', path: 'title', value: 'Tour Guide' },
      { op: 'add', path: 'emails', value: [{ value: 'b@other.net', type: 'other' }] },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Tour Guide');
    expect(res.body.emails.map((e: { value: string }) => e.value)).toEqual(['bjensen@example.com', 'babs@home.org', 'b@other.net']);
  });
  it('without a path: the value object is merged attribute by attribute', async () => {
    const res = await patch([{ op: 'add', value: { nickName: 'Babs', name: { middleName: 'J' } } }]);
    expect(res.body.nickName).toBe('Babs');
    expect(res.body.name).toEqual({ givenName: 'Barbara', familyName: 'Jensen', middleName: 'J' });
  });
});

describe('RFC 7644 §3.5.2.2 remove', () => {
  it('a path removes the attribute; a value filter removes just the matching values', async () => {
    const res = await patch([
      { op: 'remove', path: 'phoneNumbers' },
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'remove', path: 'name.givenName' },
    ]);
    expect(res.body.phoneNumbers).toBeUndefined();
    expect(res.body.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    expect(res.body.name).toEqual({ familyName: 'Jensen' });
  });
  it('without a path is 400 noTarget; a filter matching nothing is 400 noTarget', async () => {
    expect((await patch([{ op: 'remove' }])).body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'noTarget' });
    expect((await patch([{ op: 'remove', path: 'emails[type eq "fax"]' }])).body).toMatchObject({ status: '400', scimType: 'noTarget' });
  });
});

describe('RFC 7644 §3.5.2.3 replace', () => {
  it('a multi-valued attribute without a filter is replaced whole; with a filter only the matches change', async () => {
    const res = await patch([
      { op: 'replace', path: 'phoneNumbers', value: [{ value: '555-0199', type: 'mobile' }] },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
    ]);
    expect(res.body.phoneNumbers).toEqual([{ value: '555-0199', type: 'mobile' }]);
    expect(res.body.emails[0]).toEqual({ value: 'barbara@example.com', type: 'work', primary: true });
    expect(res.body.emails[1].value).toBe('babs@home.org');
  });
  it('extension attributes by their URN path, and the whole extension', async () => {
    let res = await patch([{ op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' }]);
    expect(res.body[ENTERPRISE].department).toBe('Sales');
    res = await patch([{ op: 'remove', path: ENTERPRISE }]);
    expect(res.body[ENTERPRISE]).toBeUndefined();
    expect(res.body.schemas).not.toContain(ENTERPRISE);
  });
  it('operations apply in order and all or nothing: a failing one leaves the resource as it was', async () => {
    const before = (await s.call('GET', `/Users/${id}`)).body;
    const res = await patch([{ op: 'replace', path: 'title', value: 'Changed' }, { op: 'replace', path: 'nosuch', value: 1 }]);
    expect(res.body).toMatchObject({ status: '400', scimType: 'invalidPath' });
    expect((await s.call('GET', `/Users/${id}`)).body).toEqual(before);
  });
});

describe('RFC 7644 §3.5.2 mutability and paths', () => {
  it('a readOnly attribute (id, meta, groups) is 400 mutability, nothing written', async () => {
    const audit = await s.rows('audit_events');
    for (const path of ['id', 'meta.created', 'groups']) {
      expect((await patch([{ op: 'replace', path, value: 'x' }])).body).toMatchObject({ status: '400', scimType: 'mutability' });
    }
    expect(await s.rows('audit_events')).toBe(audit);
  });
  it('an immutable sub-attribute (Group members.value) cannot be changed: 400 mutability', async () => {
    const g = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: id }] } })).body;
    const res = await patch([{ op: 'replace', path: `members[value eq "${id}"].value`, value: 'someone-else' }], `/Groups/${g.id}`);
    expect(res.body).toMatchObject({ status: '400', scimType: 'mutability' });
  });
  it('a malformed path is 400 invalidPath; a malformed envelope 400 invalidSyntax', async () => {
    expect((await patch([{ op: 'replace', path: 'emails[type eq', value: 'x' }])).body).toMatchObject({ scimType: 'invalidPath' });
    expect((await patch([{ op: 'move', path: 'title', value: 'x' }])).body).toMatchObject({ scimType: 'invalidSyntax' });
    expect((await s.call('PATCH', `/Users/${id}`, { body: { Operations: [{ op: 'add', path: 'title', value: 'x' }] } })).body).toMatchObject({ scimType: 'invalidSyntax' });
  });
  it('a PATCH that changes nothing writes nothing (the version stays)', async () => {
    const before = (await s.call('GET', `/Users/${id}`)).body.meta.version;
    const res = await patch([{ op: 'replace', path: 'name.givenName', value: 'Barbara' }]);
    expect(res.body.meta.version).toBe(before);
  });
});

describe('RFC 7644 §3.5.2: dialects real clients send', () => {
  it('Entra: PascalCase ops and "True"/"False" strings for booleans', async () => {
    let res = await patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(res.body.active).toBe(false);
    res = await patch([{ op: 'Add', path: 'title', value: 'Guide' }, { op: 'Replace', path: 'active', value: 'True' }]);
    expect(res.body).toMatchObject({ active: true, title: 'Guide' });
  });
  it('Entra: `emails[type eq "work"].value` on a user without a work email creates it', async () => {
    await patch([{ op: 'remove', path: 'emails[type eq "work"]' }]);
    const res = await patch([{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }]);
    expect(res.body.emails).toContainEqual({ type: 'work', value: 'new@example.com' });
  });
  it('Entra: manager as a bare id string, by its URN path', async () => {
    const boss = (await s.createUser('boss', { displayName: 'The Boss' })).id;
    const res = await patch([{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: boss }]);
    expect(res.body[ENTERPRISE].manager).toEqual({ value: boss, $ref: `http://roster.test/scim/v2/Users/${boss}`, displayName: 'The Boss' });
  });
  it('Entra: member removal as `{"op":"Remove","path":"members","value":[{"value":id}]}` removes only those', async () => {
    const other = (await s.createUser('other')).id;
    const g = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'G', members: [{ value: id }, { value: other }] } })).body;
    expect((await patch([{ op: 'Remove', path: 'members', value: [{ value: other }] }], `/Groups/${g.id}`)).status).toBe(204);
    expect((await s.call('GET', `/Groups/${g.id}`)).body.members.map((m: { value: string }) => m.value)).toEqual([id]);
  });
  it('Okta: `{"op":"replace","value":{"active":false}}` without a path', async () => {
    const res = await patch([{ op: 'replace', value: { active: false } }]);
    expect(res.body.active).toBe(false);
  });
  it('Okta: group member PATCH — add with a value list, remove with `members[value eq "id"]`, rename by value object', async () => {
    const other = (await s.createUser('other')).id;
    const g = (await s.call('POST', '/Groups', { body: { schemas: [GROUP], displayName: 'Okta Group' } })).body;
    await patch([{ op: 'add', path: 'members', value: [{ value: id, display: 'bjensen' }, { value: other }] }], `/Groups/${g.id}`);
    await patch([{ op: 'remove', path: `members[value eq "${other}"]` }], `/Groups/${g.id}`);
    await patch([{ op: 'replace', value: { id: g.id, displayName: 'Renamed' } }], `/Groups/${g.id}`);
    const after = (await s.call('GET', `/Groups/${g.id}`)).body;
    expect(after.displayName).toBe('Renamed');
    expect(after.members.map((m: { value: string }) => m.value)).toEqual([id]);
    expect((await s.call('GET', `/Users/${id}`)).body.groups).toEqual([{ value: g.id, $ref: `http://roster.test/scim/v2/Groups/${g.id}`, display: 'Renamed', type: 'direct' }]);
  });
  it('Okta: URN-qualified attribute names inside a no-path value object', async () => {
    const res = await patch([{ op: 'replace', value: { [`${ENTERPRISE}:department`]: 'Finance', 'name.familyName': 'Jensen-Smith' } }]);
    expect(res.body[ENTERPRISE].department).toBe('Finance');
    expect(res.body.name.familyName).toBe('Jensen-Smith');
  });
});

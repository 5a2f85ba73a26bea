// RFC 7644 §3.4.2.2 (filtering), run through GET /Users?filter= against libSQL: every operator,
// logical operators and grouping, value paths, case rules of RFC 7643 §2.1 (attribute names
// case-insensitive; string values by caseExact), and invalidFilter for what does not parse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { ENTERPRISE, ERROR, scim } from './harness.ts';

let s: Scim;
const ids: Record<string, string> = {};

beforeAll(async () => {
  s = await scim();
  const people: [string, Record<string, unknown>][] = [
    ['bjensen', { externalId: 'Ext-1', title: 'Tour Guide', name: { givenName: 'Barbara', familyName: 'Jensen' }, emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@home.org', type: 'home' }], [ENTERPRISE]: { department: 'Engineering', employeeNumber: '100' } }],
    ['jsmith', { externalId: 'ext-2', title: 'Engineer', name: { givenName: 'John', familyName: 'Smith' }, emails: [{ value: 'john@example.com', type: 'home' }], [ENTERPRISE]: { department: 'Sales' } }],
    ['mhopper', { name: { givenName: 'Grace' }, active: false, emails: [{ value: 'grace@navy.mil', type: 'work' }], [ENTERPRISE]: { department: 'engineering' } }],
    ['x_100%', { displayName: 'Under_score 100%' }],
  ];
  for (const [userName, extra] of people) ids[userName] = (await s.createUser(userName, extra)).id;
});
afterAll(() => s.close());

async function names(filter: string): Promise<string[]> {
  const res = await s.call('GET', `/Users?filter=${encodeURIComponent(filter)}&sortBy=userName`);
  if (res.status !== 200) throw new Error(`${filter}: ${res.status} ${res.text}`);
  return res.body.Resources.map((r: { userName: string }) => r.userName);
}

describe('RFC 7644 §3.4.2.2 attribute operators', () => {
  it('eq, ne on a case-insensitive attribute (userName, RFC 7643 §4.1)', async () => {
    expect(await names('userName eq "BJENSEN"')).toEqual(['bjensen']);
    expect(await names('userName ne "bjensen"')).toEqual(['jsmith', 'mhopper', 'x_100%']);
  });
  it('eq on a caseExact attribute (externalId, RFC 7643 §3.1) compares exactly', async () => {
    expect(await names('externalId eq "Ext-1"')).toEqual(['bjensen']);
    expect(await names('externalId eq "ext-1"')).toEqual([]);
  });
  it('co, sw, ew, with LIKE wildcards in the value taken literally', async () => {
    expect(await names('name.familyName co "EN"')).toEqual(['bjensen']);
    expect(await names('userName sw "J"')).toEqual(['jsmith']);
    expect(await names('userName ew "PER"')).toEqual(['mhopper']);
    expect(await names('displayName co "_score 100%"')).toEqual(['x_100%']);
    expect(await names('userName co "%"')).toEqual(['x_100%']);
  });
  it('pr: has a non-empty value', async () => {
    expect(await names('title pr')).toEqual(['bjensen', 'jsmith']);
    expect(await names('emails pr')).toEqual(['bjensen', 'jsmith', 'mhopper']);
  });
  it('gt, ge, lt, le: lexical on strings, chronological on dateTime (meta.lastModified)', async () => {
    expect(await names('userName gt "jsmith"')).toEqual(['mhopper', 'x_100%']);
    expect(await names('userName ge "JSMITH"')).toEqual(['jsmith', 'mhopper', 'x_100%']);
    expect(await names('userName lt "jsmith"')).toEqual(['bjensen']);
    expect(await names('userName le "jsmith"')).toEqual(['bjensen', 'jsmith']);
    const created = (await s.call('GET', `/Users/${ids.jsmith}`)).body.meta.created as string;
    expect(await names(`meta.created gt "${created}"`)).toEqual(['mhopper', 'x_100%']);
    expect(await names(`meta.lastModified le "${created}"`)).toEqual(['bjensen', 'jsmith']);
  });
  it('booleans: eq true/false, and Entra\'s "True"/"False" strings', async () => {
    expect(await names('active eq false')).toEqual(['mhopper']);
    expect(await names('active eq "True"')).toEqual(['bjensen', 'jsmith', 'x_100%']);
    expect(await names('emails[primary eq true]')).toEqual(['bjensen']);
  });
});

describe('RFC 7644 §3.4.2.2 logical operators, grouping and value paths', () => {
  it('and, or, not with precedence not > and > or, and parentheses', async () => {
    expect(await names('title pr and userName sw "j"')).toEqual(['jsmith']);
    expect(await names('userName eq "mhopper" or title eq "engineer" and userName sw "b"')).toEqual(['mhopper']);
    expect(await names('(userName eq "mhopper" or title eq "engineer") and userName sw "j"')).toEqual(['jsmith']);
    expect(await names('not (title pr)')).toEqual(['mhopper', 'x_100%']);
    expect(await names('not (title eq "Engineer")')).toEqual(['bjensen', 'mhopper', 'x_100%']);
  });
  it('value paths: emails[type eq "work" and value co "@example.com"]', async () => {
    expect(await names('emails[type eq "work" and value co "@example.com"]')).toEqual(['bjensen']);
    expect(await names('emails[type eq "home"]')).toEqual(['bjensen', 'jsmith']);
    expect(await names('emails[not (type eq "home")]')).toEqual(['bjensen', 'mhopper']);
    expect(await names('emails.value ew ".mil"')).toEqual(['mhopper']);
    expect(await names('emails co "home.org"')).toEqual(['bjensen']);
  });
  it('attribute names and schema URNs are case-insensitive; enterprise attributes by URN or bare name', async () => {
    expect(await names('USERNAME EQ "jsmith"')).toEqual(['jsmith']);
    expect(await names(`${ENTERPRISE}:department eq "engineering"`)).toEqual(['bjensen', 'mhopper']);
    expect(await names('urn:ietf:params:scim:schemas:core:2.0:user:Name.GivenName eq "grace"')).toEqual(['mhopper']);
    expect(await names('employeeNumber eq "100"')).toEqual(['bjensen']);
  });
  it('groups.value: users by membership', async () => {
    const g = await s.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Guides', members: [{ value: ids.bjensen }] } });
    expect(await names(`groups.value eq "${g.body.id}"`)).toEqual(['bjensen']);
    expect(await names('groups[display eq "guides"]')).toEqual(['bjensen']);
  });
});

describe('RFC 7644 §3.4.2.2 invalid filters → 400 invalidFilter', () => {
  for (const filter of ['userName eq', 'userName xx "a"', '(userName eq "a"', 'emails[type eq "work"', 'userName eq "a" and', 'nosuch eq "a"', 'active gt true', 'emails[type[value eq 1] eq 2]', 'name eq "x"', 'meta.created gt "yesterday"', '"just a string"', 'userName eq "unterminated']) {
    it(`\`${filter}\``, async () => {
      const res = await s.call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    });
  }
});

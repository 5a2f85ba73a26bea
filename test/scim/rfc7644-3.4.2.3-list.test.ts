// RFC 7644 §3.4.2.3 sorting, §3.4.2.4 pagination, §3.4.2.5 attributes/excludedAttributes,
// §3.4.3 POST /.search, and the filter running in SQL (an index, not a scan of users).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and } from 'drizzle-orm';
import { parseFilter } from '../../edge/scim/filter/parse.ts';
import { filterSql } from '../../edge/scim/query/filter-sql.ts';
import { userTargets } from '../../edge/scim/query/targets.ts';
import { identities } from '../../edge/db/schema.ts';
import { r } from '../../edge/scim/store/users.ts';
import type { Scim } from './harness.ts';
import { ENTERPRISE, ERROR, LIST, SEARCH, scim } from './harness.ts';

let s: Scim;
beforeAll(async () => {
  s = await scim();
  const given = ['carol', 'Alice', 'bob', 'dave', 'Erin'];
  for (const [i, userName] of ['u3', 'u1', 'u2', 'u5', 'u4'].entries()) {
    await s.createUser(userName, { name: { givenName: given[i], familyName: 'F' }, title: i % 2 === 0 ? 'T' : undefined, [ENTERPRISE]: { department: 'Ops' } });
  }
});
afterAll(() => s.close());

const users = async (query: string) => (await s.call('GET', `/Users?${query}`)).body;

describe('RFC 7644 §3.4.2.3 sorting', () => {
  it('sortBy a case-insensitive string, ascending by default, descending on request', async () => {
    expect((await users('sortBy=name.givenName')).Resources.map((u: { name: { givenName: string } }) => u.name.givenName)).toEqual(['Alice', 'bob', 'carol', 'dave', 'Erin']);
    expect((await users('sortBy=userName&sortOrder=descending')).Resources.map((u: { userName: string }) => u.userName)).toEqual(['u5', 'u4', 'u3', 'u2', 'u1']);
  });
  it('missing values sort last; an unknown sortOrder is 400 invalidValue', async () => {
    const byTitle = (await users('sortBy=title&sortOrder=descending')).Resources.map((u: { title?: string }) => u.title ?? null);
    expect(byTitle.slice(-2)).toEqual([null, null]);
    expect((await s.call('GET', '/Users?sortBy=userName&sortOrder=sideways')).body).toMatchObject({ schemas: [ERROR], scimType: 'invalidValue' });
    expect((await s.call('GET', '/Users?sortBy=nosuch')).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });
});

describe('RFC 7644 §3.4.2.4 pagination', () => {
  it('1-based startIndex and count, totalResults over the whole match', async () => {
    const page = await users('sortBy=userName&startIndex=2&count=2');
    expect(page).toMatchObject({ schemas: [LIST], totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect(page.Resources.map((u: { userName: string }) => u.userName)).toEqual(['u2', 'u3']);
    expect((await users('sortBy=userName&startIndex=5&count=10')).Resources.map((u: { userName: string }) => u.userName)).toEqual(['u5']);
  });
  it('startIndex < 1 is 1; count 0 returns only totalResults; a negative count is 0', async () => {
    expect((await users('sortBy=userName&startIndex=0&count=1')).Resources[0].userName).toBe('u1');
    expect(await users('count=0')).toEqual({ schemas: [LIST], totalResults: 5, startIndex: 1, itemsPerPage: 0, Resources: [] });
    expect((await users('count=-3')).itemsPerPage).toBe(0);
  });
  it('a non-integer count is 400 invalidValue', async () => {
    expect((await s.call('GET', '/Users?count=ten')).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
  });
});

describe('RFC 7644 §3.4.2.5 attributes and excludedAttributes', () => {
  it('attributes returns those plus id (returned: always); sub-attributes one by one', async () => {
    const [u] = (await users('filter=userName eq "u1"&attributes=userName,name.givenName')).Resources;
    expect(u).toEqual({ schemas: expect.any(Array), id: expect.any(String), userName: 'u1', name: { givenName: 'Alice' } });
  });
  it('excludedAttributes drops them but never id; extension attributes by URN', async () => {
    const [u] = (await users(`filter=userName eq "u1"&excludedAttributes=name,meta,id,${ENTERPRISE}:department`)).Resources;
    expect(u.id).toBeDefined();
    expect(u.name).toBeUndefined();
    expect(u.meta).toBeUndefined();
    expect(u[ENTERPRISE]).toBeUndefined();
    expect(u.userName).toBe('u1');
  });
  it('on a single resource too (§3.4.1)', async () => {
    const id = (await users('filter=userName eq "u2"')).Resources[0].id;
    expect(Object.keys((await s.call('GET', `/Users/${id}?attributes=active`)).body).sort()).toEqual(['active', 'id', 'schemas']);
  });
});

describe('RFC 7644 §3.4.3 POST /.search', () => {
  it('/Users/.search takes filter, sort, paging and attributes in the body', async () => {
    const res = await s.call('POST', '/Users/.search', { body: { schemas: [SEARCH], filter: 'title pr', sortBy: 'userName', sortOrder: 'descending', startIndex: 1, count: 2, attributes: ['userName'] } });
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(3);
    expect(res.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['u4', 'u3']);
  });
  it('the root /.search spans Users and Groups', async () => {
    await s.call('POST', '/Groups', { body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ops' } });
    const res = await s.call('POST', '/.search', { body: { schemas: [SEARCH], filter: 'meta.resourceType eq "Group" or userName eq "u1"' } });
    expect(res.body.totalResults).toBe(2);
    expect(res.body.Resources.map((r: { meta: { resourceType: string } }) => r.meta.resourceType).sort()).toEqual(['Group', 'User']);
  });
  it('a body without the SearchRequest schema is 400 invalidSyntax', async () => {
    expect((await s.call('POST', '/Users/.search', { body: { filter: 'userName pr' } })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });
});

describe('RFC 7644 §3.4.2.2: filters run in the database', () => {
  it('userName eq and externalId eq are index lookups (EXPLAIN QUERY PLAN), not scans of identities', async () => {
    for (const [filter, index] of [['userName eq "u1"', 'identities_login_nocase'], ['externalId eq "e"', 'scim_resources_external']] as const) {
      const parsed = parseFilter(filter);
      if (!parsed.ok) throw new Error(parsed.message);
      const query = s.db.select({ id: identities.id }).from(identities).leftJoin(r, and(sql`${r.resourceType} = 'User'`, sql`${r.id} = ${identities.id}`)).where(filterSql(userTargets, parsed.value)).toSQL();
      const plan = await s.db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as never });
      const text = plan.rows.map((row) => String(row.detail)).join('\n');
      expect(text).toContain(index);
    }
  });
});

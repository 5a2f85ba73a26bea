// Users, groups and apps: create, read, update with If-Match/version, list with filters and cursors.
import { expect, it } from 'vitest';
import { createIdentity } from '../../../edge/db/repos/identities.ts';
import type { MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';
import { RULES, engineer, salesperson } from '../fixtures.ts';

export function userCases(makeRuntime: MakeRuntime): void {
  it('creates, reads and updates a user, with ETags and optimistic concurrency', async () => {
    const t = await setup(makeRuntime);
    const created = await t.call('POST', '/v1/users', { body: engineer(1) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'u1', login: 'eng1', status: 'ACTIVE', version: 1, profile: { department: 'Engineering' } });
    expect(created.headers.get('etag')).toBe('"v1"');
    expect(created.body).not.toHaveProperty('passwordHash');

    const read = await t.call('GET', '/v1/users/u1');
    expect(read.status).toBe(200);
    expect(read.body.login).toBe('eng1');

    const patched = await t.call('PATCH', '/v1/users/u1', { body: { profile: { title: 'SRE', firstName: null } }, headers: { 'if-match': '"v1"' } });
    expect(patched.status).toBe(200);
    expect(patched.body.version).toBe(2);
    expect(patched.body.profile).toEqual({ department: 'Engineering', lastName: 'Last1', email: 'eng1@example.com', title: 'SRE' });

    const stale = await t.call('PATCH', '/v1/users/u1', { body: { profile: { title: 'CTO' } }, headers: { 'if-match': '"v1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe('precondition_failed');
    const staleVersion = await t.call('PATCH', '/v1/users/u1', { body: { version: 1, profile: { title: 'CTO' } } });
    expect(staleVersion.status).toBe(409);
    expect(staleVersion.body.error.code).toBe('conflict');
    expect((await t.call('GET', '/v1/users/u1')).body.profile.title).toBe('SRE');
  });

  it('answers a PATCH that changes nothing with the user as it is: no new version, no audit row', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    const before = await countRows(t.runtime.db);
    for (const body of [{}, { login: 'eng1' }, { email: 'eng1@example.com', profile: { department: 'Engineering' } }]) {
      const res = await t.call('PATCH', '/v1/users/u1', { body, headers: { 'if-match': '"v1"' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ login: 'eng1', version: 1 });
      expect(res.headers.get('etag')).toBe('"v1"');
    }
    expect(await countRows(t.runtime.db)).toEqual(before);
    // A stale version is still refused, change or not.
    expect((await t.call('PATCH', '/v1/users/u1', { body: { version: 2 } })).status).toBe(409);
    expect((await t.call('PATCH', '/v1/users/u1', { body: { profile: { title: 'SRE' } } })).body.version).toBe(2);
  });

  it("keeps an admin's profile edits through HR imports, and refuses to edit what HR holds", async () => {
    const t = await setup(makeRuntime);
    const hr = (csv: string, mode = 'incremental') => t.call('POST', `/v1/imports?mode=${mode}&plan=false`, { raw: csv, headers: { 'content-type': 'text/csv' } });
    expect((await hr('id,firstName,lastName,email,department,title\nw1,Kat,Yilmaz,kat@example.com,Sales,Manager\n', 'full')).status).toBe(201);
    const set = await t.call('PATCH', '/v1/users/w1', { body: { profile: { nickname: 'Kat', deskPhone: '+44 20 0000' } } });
    expect(set.status).toBe(200);
    expect(set.body.attributeSources).toMatchObject({ department: 'hr', title: 'hr', nickname: 'admin', deskPhone: 'admin' });

    // An HR change to something else leaves the admin's attributes alone, in an incremental file and a full one.
    expect((await hr('op,id,title\nupsert,w1,VP Sales\n')).status).toBe(201);
    expect((await hr('id,firstName,lastName,email,department,title\nw1,Kat,Yilmaz,kat@example.com,Sales,VP Sales\n', 'full')).status).toBe(201);
    const after = await t.call('GET', '/v1/users/w1');
    expect(after.body.profile).toMatchObject({ title: 'VP Sales', nickname: 'Kat', deskPhone: '+44 20 0000' });

    // What HR holds is HR's: an edit (or a clear) is refused, naming it, and nothing is written.
    const refused = await t.call('PATCH', '/v1/users/w1', { body: { profile: { department: 'Marketing', nickname: 'K', title: null } } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('attribute_mastered');
    expect(refused.body.error.message).toBe('`department` comes from `hr`, which ranks above admin edits: change it there; `title` comes from `hr`, which ranks above admin edits: change it there');
    const unchanged = await t.call('GET', '/v1/users/w1');
    expect(unchanged.body.version).toBe(after.body.version);
    expect(unchanged.body.profile.nickname).toBe('Kat');
    // Sending HR's own value changes nothing; clearing the admin's value removes it.
    const same = await t.call('PATCH', '/v1/users/w1', { body: { profile: { department: 'Sales', deskPhone: null } } });
    expect(same.status).toBe(200);
    expect(same.body.profile).not.toHaveProperty('deskPhone');
    expect(same.body.profile.department).toBe('Sales');
    expect(same.body.attributeSources).not.toHaveProperty('deskPhone');
  });

  it('keeps attributes an identity holds with no recorded source (an admin\'s, from before sources were kept) through an HR import', async () => {
    const t = await setup(makeRuntime);
    const ctx = { at: t.runtime.now(), actor: 'test' };
    const made = await createIdentity(t.runtime.db, { id: 'w2', login: 'old@example.com', email: 'old@example.com', status: 'ACTIVE', profile: { costCenter: 'CC-1', firstName: 'Old' }, sources: {} }, ctx);
    expect(made.ok).toBe(true);
    expect((await t.call('GET', '/v1/users/w2')).body.attributeSources).toEqual({ costCenter: 'admin', firstName: 'admin' });
    const imported = await t.call('POST', '/v1/imports?mode=full&plan=false', { raw: 'id,firstName,lastName,email\nw2,Olga,Old,old@example.com\n', headers: { 'content-type': 'text/csv' } });
    expect(imported.status).toBe(201);
    const read = await t.call('GET', '/v1/users/w2');
    expect(read.body.profile).toMatchObject({ costCenter: 'CC-1', firstName: 'Olga', lastName: 'Old' });
    expect(read.body.attributeSources).toMatchObject({ costCenter: 'admin', firstName: 'hr' });
  });

  it('refuses a duplicate login or id with 409 and stores nothing', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    const dupLogin = await t.call('POST', '/v1/users', { body: { ...engineer(2), login: 'eng1' } });
    expect(dupLogin.status).toBe(409);
    expect(dupLogin.body.error).toMatchObject({ code: 'conflict', message: 'login `eng1` is taken' });
    expect((await t.call('POST', '/v1/users', { body: { ...engineer(1), login: 'other' } })).status).toBe(409);
    await t.call('POST', '/v1/users', { body: engineer(3) });
    expect((await t.call('PATCH', '/v1/users/u3', { body: { login: 'eng1' } })).status).toBe(409);
    expect((await t.call('GET', '/v1/users')).body.items.map((u: { id: string }) => u.id)).toEqual(['u1', 'u3']);
  });

  it('refuses a login another user holds in another case (create and update), writing nothing; a user may recase their own', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    await t.call('POST', '/v1/users', { body: engineer(3) });
    const before = await countRows(t.runtime.db);
    const created = await t.call('POST', '/v1/users', { body: { ...engineer(2), login: 'ENG1' } });
    expect(created.status).toBe(409);
    expect(created.body.error).toMatchObject({ code: 'conflict', message: 'login `ENG1` is taken: `eng1` is the same login in another case' });
    const patched = await t.call('PATCH', '/v1/users/u3', { body: { login: 'Eng1' } });
    expect(patched.status).toBe(409);
    expect(patched.body.error).toMatchObject({ code: 'conflict', message: 'login `Eng1` is taken: `eng1` is the same login in another case' });
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/users/u3')).body).toMatchObject({ login: 'eng3', version: 1 });
    // Two creates of one login in two cases at once: one wins.
    const racing = await Promise.all([t.call('POST', '/v1/users', { body: { ...engineer(4), login: 'pat' } }), t.call('POST', '/v1/users', { body: { ...engineer(5), login: 'PAT' } })]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);
    const recased = await t.call('PATCH', '/v1/users/u3', { body: { login: 'ENG3' } });
    expect(recased.status).toBe(200);
    expect(recased.body).toMatchObject({ login: 'ENG3', version: 2 });
  });

  it('refuses reserved attribute names in a profile, naming them, where a record dropped `__proto__` without a word', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: { id: 'u1', login: 'u1', profile: { nickname: 'U' } } });
    const before = await countRows(t.runtime.db);
    for (const [method, path, raw] of [
      ['POST', '/v1/users', '{"login":"u2","profile":{"__proto__":{"admin":true},"nickname":"x"}}'],
      ['PATCH', '/v1/users/u1', '{"profile":{"__proto__":{"admin":true}}}'],
      ['PATCH', '/v1/users/u1', '{"profile":{"constructor":"x"}}'],
      ['PATCH', '/v1/users/u1', '{"profile":{"address":{"prototype":"x"}}}'],
    ] as const) {
      const res = await t.call(method, path, { raw });
      expect(res.status, raw).toBe(400);
      expect(res.body.error.message, raw).toMatch(/^`profile\.(__proto__|constructor|address\.prototype)`: is a reserved name/);
    }
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/users/u1')).body.profile).toEqual({ nickname: 'U' });
  });

  it('refuses a profile number beyond what JSON can store, naming it, where 1e400 was stored as null', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: { id: 'u1', login: 'u1', profile: { salary: 1 } } });
    for (const [raw, path] of [
      ['{"profile":{"salary":1e400}}', 'profile.salary'],
      ['{"profile":{"pay":{"bands":[1,-1e999]}}}', 'profile.pay.bands.1'],
    ] as const) {
      const res = await t.call('PATCH', '/v1/users/u1', { raw });
      expect(res.status, raw).toBe(400);
      expect(res.body.error.message, raw).toBe(`\`${path}\`: is a number too large to store (JSON would keep it as null)`);
    }
    expect((await t.call('GET', '/v1/users/u1')).body.profile).toEqual({ salary: 1 });
  });

  it('refuses a blank login, or one with a space at either end or a control character, naming the field', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    const before = await countRows(t.runtime.db);
    for (const login of ['   ', ' eng2', 'eng2 ', 'eng\t2', 'eng\n2', 'eng\ud8002']) {
      const created = await t.call('POST', '/v1/users', { body: { ...engineer(2), login } });
      expect(created.status).toBe(400);
      expect(created.body.error).toMatchObject({ code: 'invalid_body', message: expect.stringMatching(/^`login`: (is empty|starts or ends with a space|has control or invisible characters|has half of a UTF-16 surrogate pair)/) });
      const patched = await t.call('PATCH', '/v1/users/u1', { body: { login } });
      expect(patched.status).toBe(400);
      expect(patched.body.error.details[0].path).toBe('login');
    }
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('POST', '/v1/users', { body: { ...engineer(2), login: 'Ann Marie.O\'Neil' } })).status).toBe(201);
  });

  it('lists users by status, profile attribute and search, page by page', async () => {
    const t = await setup(makeRuntime);
    for (let i = 1; i <= 5; i++) await t.call('POST', '/v1/users', { body: engineer(i) });
    for (let i = 1; i <= 2; i++) await t.call('POST', '/v1/users', { body: { ...salesperson(i), status: 'STAGED' } });
    const staged = await t.call('GET', '/v1/users?status=STAGED');
    expect(staged.body.items.map((u: { id: string }) => u.id)).toEqual(['s1', 's2']);
    const sales = await t.call('GET', '/v1/users?department=Sales');
    expect(sales.body.items).toHaveLength(2);
    expect((await t.call('GET', '/v1/users?q=eng3')).body.items.map((u: { id: string }) => u.id)).toEqual(['u3']);

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const page = await t.call('GET', `/v1/users?department=Engineering&limit=2${next ? `&cursor=${next}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((u: { id: string }) => u.id));
      next = page.body.next;
      pages++;
    } while (next);
    expect(seen).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(pages).toBe(3);
    const bad = await t.call('GET', '/v1/users?cursor=not*a*cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
    expect((await t.call('GET', '/v1/users?limit=0')).body.error.code).toBe('invalid_query');
  });

  it('filters users on number and boolean profile attributes as written in the query string, combined with status and search', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: { id: 'n1', login: 'nia', profile: { employeeNumber: 1234, contractor: true, fte: 0.5, department: 'Sales' } } });
    await t.call('POST', '/v1/users', { body: { id: 'n2', login: 'noor', profile: { employeeNumber: 99, contractor: false, fte: 1, department: 'Sales' } } });
    await t.call('POST', '/v1/users', { body: { id: 'n3', login: 'ned', status: 'STAGED', profile: { employeeNumber: '1234', contractor: 'true', department: 'Sales' } } });
    const ids = async (query: string) => {
      const res = await t.call('GET', `/v1/users?${query}`);
      expect(res.status).toBe(200);
      return res.body.items.map((u: { id: string }) => u.id);
    };
    expect(await ids('employeeNumber=1234')).toEqual(['n1', 'n3']);
    expect(await ids('contractor=true')).toEqual(['n1', 'n3']);
    expect(await ids('contractor=false')).toEqual(['n2']);
    expect(await ids('fte=0.5')).toEqual(['n1']);
    expect(await ids('fte=1')).toEqual(['n2']);
    expect(await ids('employeeNumber=1234&status=ACTIVE')).toEqual(['n1']);
    expect(await ids('department=Sales&contractor=true&q=ne')).toEqual(['n3']);
    expect(await ids('employeeNumber=12')).toEqual([]);
  });

  it('manages groups with ETags', async () => {
    const t = await setup(makeRuntime);
    const created = await t.call('POST', '/v1/groups', { body: { id: 'sre', name: 'SRE' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'sre', name: 'SRE', description: null, source: 'manual' });
    expect((await t.call('POST', '/v1/groups', { body: { id: 'sre', name: 'again' } })).status).toBe(409);
    const etag = created.headers.get('etag') as string;
    const renamed = await t.call('PATCH', '/v1/groups/sre', { body: { name: 'Site Reliability' }, headers: { 'if-match': etag } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Site Reliability');
    expect((await t.call('PATCH', '/v1/groups/sre', { body: { name: 'x' }, headers: { 'if-match': etag } })).status).toBe(412);
    expect((await t.call('GET', '/v1/groups/nope')).status).toBe(404);
    expect((await t.call('GET', '/v1/groups?source=manual')).body.items.map((g: { id: string }) => g.id)).toEqual(['sre']);
  });

  it("lists the active rule set's groups beside stored ones, one cursor over both, with their members", async () => {
    const t = await setup(makeRuntime);
    const groupFile = {
      path: 'groups.yaml',
      text: 'kind: group\nid: engineering\nname: Engineering\ndescription: everyone in engineering\nwhen: { all: [ { fact: department, operator: equal, value: Engineering } ] }\n---\nkind: group\nid: all-staff\nwhen: { all: [ { fact: department, operator: exists, value: true } ] }\n',
    };
    expect((await t.call('POST', '/v1/rule-sets', { body: { files: [...RULES, groupFile], activate: true } })).status).toBe(201);
    for (const id of ['billing', 'zeta']) expect((await t.call('POST', '/v1/groups', { body: { id, name: id } })).status).toBe(201);
    for (const n of [1, 2, 3]) await t.call('POST', '/v1/users', { body: engineer(n) });
    await t.call('POST', '/v1/users', { body: salesperson(1) });
    expect((await t.call('POST', '/v1/runs', { body: {} })).status).toBe(201);

    // Pages of two walk both lists in id order, each group once.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await t.call('GET', `/v1/groups?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((g: { id: string; source: string }) => `${g.id}:${g.source}`));
      cursor = res.body.next;
      if (!cursor) break;
    }
    expect(seen).toEqual(['all-staff:rules', 'billing:manual', 'engineering:rules', 'zeta:manual']);
    expect((await t.call('GET', '/v1/groups?source=rules')).body.items.map((g: { id: string }) => g.id)).toEqual(['all-staff', 'engineering']);
    expect((await t.call('GET', '/v1/groups?source=manual')).body.items.map((g: { id: string }) => g.id)).toEqual(['billing', 'zeta']);

    const read = await t.call('GET', '/v1/groups/engineering');
    expect(read.body).toEqual({ id: 'engineering', name: 'Engineering', description: 'everyone in engineering', source: 'rules', definedAt: 'groups.yaml:1' });
    // A rule's group changes in its file, never through the API, and its id cannot be taken.
    const rename = await t.call('PATCH', '/v1/groups/engineering', { body: { name: 'Eng' } });
    expect(rename.status).toBe(409);
    expect(rename.body.error).toMatchObject({ code: 'defined_by_rules', message: expect.stringContaining('groups.yaml:1') });
    expect((await t.call('POST', '/v1/groups', { body: { id: 'all-staff', name: 'x' } })).status).toBe(409);

    const members = await t.call('GET', '/v1/groups/engineering/members?limit=2');
    expect(members.body.items).toEqual([
      { userId: 'u1', login: 'eng1', status: 'ACTIVE', source: 'rules' },
      { userId: 'u2', login: 'eng2', status: 'ACTIVE', source: 'rules' },
    ]);
    const rest = await t.call('GET', `/v1/groups/engineering/members?limit=2&cursor=${members.body.next}`);
    expect(rest.body).toEqual({ items: [{ userId: 'u3', login: 'eng3', status: 'ACTIVE', source: 'rules' }] });
    expect((await t.call('GET', '/v1/groups/all-staff/members')).body.items.map((m: { userId: string }) => m.userId)).toEqual(['s1', 'u1', 'u2', 'u3']);
    expect((await t.call('GET', '/v1/groups/billing/members')).body).toEqual({ items: [] });
    expect((await t.call('GET', '/v1/groups/nope/members')).status).toBe(404);
    expect((await t.call('GET', '/v1/groups/engineering/members?cursor=zzz')).body.error.code).toBe('invalid_cursor');
    // A read-only token may list members; none may without a token.
    expect((await t.call('GET', '/v1/groups/engineering/members', { token: t.tokens.read })).status).toBe(200);
    expect((await t.call('GET', '/v1/groups/engineering/members', { token: null })).status).toBe(401);
  });

  it("lists the active rule set's apps, unconnected until a connection is registered, with their file and mappings", async () => {
    const t = await setup(makeRuntime);
    expect((await t.call('GET', '/v1/apps')).body).toEqual({ items: [] });
    expect((await t.call('POST', '/v1/rule-sets', { body: { files: RULES, activate: true } })).status).toBe(201);
    const listed = await t.call('GET', '/v1/apps');
    expect(listed.body.items).toEqual([
      { id: 'github', name: 'github', connector: 'scim', config: {}, status: 'unconnected', quarantinedUntil: null, definedAt: 'apps.yaml:1', mappings: [{ attribute: 'email', expr: 'user.email', createOnly: false }] },
      { id: 'wiki', name: 'wiki', connector: 'scim', config: {}, status: 'unconnected', quarantinedUntil: null, definedAt: 'apps.yaml:9', mappings: [] },
    ]);
    // Connecting one keeps what the rule file says of it beside the stored connection.
    const created = await t.call('POST', '/v1/apps', { body: { id: 'github', name: 'GitHub', connector: 'scim', config: { baseUrl: 'https://scim.example', auth: { type: 'bearer', token: 't0ken-value' } } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'github', name: 'GitHub', status: 'ok', config: { auth: { token: '(redacted)' } }, definedAt: 'apps.yaml:1', mappings: [{ attribute: 'email' }] });
    expect((await t.call('GET', '/v1/apps?status=unconnected')).body.items.map((a: { id: string }) => a.id)).toEqual(['wiki']);
    expect((await t.call('GET', '/v1/apps?status=ok')).body.items.map((a: { id: string }) => a.id)).toEqual(['github']);
    const page = await t.call('GET', '/v1/apps?limit=1');
    expect(page.body.items.map((a: { id: string }) => a.id)).toEqual(['github']);
    expect((await t.call('GET', `/v1/apps?limit=1&cursor=${page.body.next}`)).body).toMatchObject({ items: [{ id: 'wiki' }] });
    const wiki = await t.call('GET', '/v1/apps/wiki');
    expect(wiki.body).toMatchObject({ status: 'unconnected', definedAt: 'apps.yaml:9' });
    // The rule file says what kind of app it is: a registration cannot say otherwise.
    const other = await t.call('POST', '/v1/apps', { body: { id: 'wiki', name: 'Wiki', connector: 'manual', config: {} } });
    expect(other.status).toBe(400);
    expect(other.body.error).toMatchObject({ code: 'connector_mismatch', message: 'app `wiki` is a `scim` app in its rule file (apps.yaml:9), not `manual`' });
    expect((await t.call('PATCH', '/v1/apps/github', { body: { connector: 'manual', config: {} } })).body.error.code).toBe('connector_mismatch');
    const patch = await t.call('PATCH', '/v1/apps/wiki', { body: { name: 'Wiki' } });
    expect(patch.status).toBe(404);
    expect(patch.body.error.message).toContain('has no connection yet: register it with POST /v1/apps');
    expect((await t.call('GET', '/v1/apps/wiki/accounts')).body).toEqual({ items: [] });
    expect((await t.call('GET', '/v1/apps/wiki/imports')).body).toEqual({ items: [] });
    expect((await t.call('GET', '/v1/apps/nope/accounts')).status).toBe(404);
    // A connection registered for an app no rule file defines shows no rule fields.
    expect((await t.call('POST', '/v1/apps', { body: { id: 'legacy', name: 'Legacy', connector: 'manual', config: {} } })).status).toBe(201);
    const legacy = await t.call('GET', '/v1/apps/legacy');
    expect(legacy.body).not.toHaveProperty('definedAt');
    expect(legacy.body).not.toHaveProperty('mappings');
  });

  it('registers an app once when two admins register it at the same time: the other gets 409, nothing is replaced', async () => {
    const t = await setup(makeRuntime);
    const register = (token: string) => t.call('POST', '/v1/apps', { body: { id: 'github', name: `GitHub ${token}`, connector: 'scim', config: { baseUrl: 'https://scim.example', auth: { type: 'bearer', token } } } });
    const results = await Promise.all([register('first-t0ken'), register('second-t0ken')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201);
    expect(results.find((r) => r.status === 409)?.body.error).toEqual({ code: 'conflict', message: 'app `github` exists' });
    expect((await t.call('GET', '/v1/apps/github')).body.name).toBe(winner?.body.name);
    expect((await t.call('GET', '/v1/audit?type=app.save')).body.items).toHaveLength(1);
  });

  it('manages apps and never shows their secrets', async () => {
    const t = await setup(makeRuntime);
    const secret = 'scim-bearer-s3cr3t-value';
    const created = await t.call('POST', '/v1/apps', { body: { id: 'github', name: 'GitHub', connector: 'scim', config: { baseUrl: 'https://scim.example', auth: { type: 'bearer', token: secret } } } });
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual({ baseUrl: 'https://scim.example', auth: { type: 'bearer', token: '(redacted)' } });
    expect((await t.call('POST', '/v1/apps', { body: { id: 'github', name: 'again', connector: 'scim' } })).status).toBe(409);
    const patched = await t.call('PATCH', '/v1/apps/github', { body: { name: 'GitHub EMU', config: { baseUrl: 'https://scim2.example', auth: { type: 'bearer', token: '(redacted)' } } } });
    expect(patched.status).toBe(200);
    const { getApp } = await import('../../../edge/db/repos/apps.ts');
    const { openSecrets } = await import('../../../edge/connectors/secrets.ts');
    // Stored sealed: only the seal key opens it, as it was given.
    const stored = (await getApp(t.runtime.db, 'github'))?.config ?? {};
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(await openSecrets(t.runtime.sealKey, 'github', stored)).toEqual({ ok: true, config: { baseUrl: 'https://scim2.example', auth: { type: 'bearer', token: secret } } });
    // A config the connector would refuse is refused when it is given, naming each field; a rename alone is fine.
    const bad = await t.call('POST', '/v1/apps', { body: { id: 'slack', name: 'Slack', connector: 'scim', config: { url: 'https://scim.example', token: secret } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_config', message: expect.stringContaining('`baseUrl`') });
    expect(bad.body.error.message).toContain('`auth`');
    expect(bad.text).not.toContain(secret);
    expect((await t.call('GET', '/v1/apps/slack')).status).toBe(404);
    expect((await t.call('PATCH', '/v1/apps/github', { body: { connector: 'rest' } })).body.error.code).toBe('invalid_config');
    expect((await getApp(t.runtime.db, 'github'))?.connector).toBe('scim');
    await t.call('POST', '/v1/apps', { body: { id: 'badge', name: 'Badges', connector: 'manual' } });
    const page = await t.call('GET', '/v1/apps?limit=1');
    expect(page.body.items.map((a: { id: string }) => a.id)).toEqual(['badge']);
    expect((await t.call('GET', `/v1/apps?limit=1&cursor=${page.body.next}`)).body.items.map((a: { id: string }) => a.id)).toEqual(['github']);
    expect((await t.call('GET', '/v1/apps?connector=manual')).body.items).toHaveLength(1);
    const everything = [...t.logs, created.text, patched.text, (await t.call('GET', '/v1/audit')).text, (await t.call('GET', '/v1/apps/github')).text].join('\n');
    expect(everything).not.toContain(secret);
  });
}

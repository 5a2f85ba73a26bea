// The agent end to end: a real edge (HTTP, libSQL), a real slapd, the agent pulling over HTTP.
// Actions land exactly once (read back from the directory), the directory stopped and started
// mid-run loses nothing and spends no tries, and delegated login binds through the agent.
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent/agent.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { getAction, outboxCounts } from '../../edge/db/repos/outbox.ts';
import { getIdentityByLogin } from '../../edge/db/repos/identities.ts';
import { getAccount } from '../../edge/db/repos/accounts.ts';
import type { Edge } from './edge.ts';
import { people, queue, startEdge, waitFor } from './edge.ts';
import { action, openldapConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();

describe.skipIf(!run)('roster agent against a real edge and slapd', () => {
  let slapd: Slapd;
  let edge: Edge;
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url);
    edge = await startEdge();
  }, 30_000);
  afterAll(async () => {
    await edge?.close();
    await slapd?.destroy();
  });

  const count = async (filter: string) => {
    const c = new Client({ url: slapd.url });
    await c.bind(ROOT_DN, ROOT_PW);
    try {
      return (await c.search(`ou=people,${BASE}`, { filter, attributes: ['uid'] })).searchEntries;
    } finally {
      await c.unbind();
    }
  };
  const startAgent = (logs: Record<string, unknown>[] = []) => {
    const controller = new AbortController();
    const config = openldapConfig(slapd.url);
    const agent = createAgent({ edge: edge.url, token: edge.agentToken, config, directory: createDirectory(config, ROOT_PW), waitSeconds: 1, leaseSeconds: 5, signal: controller.signal, log: (l) => logs.push(l) });
    const running = agent.run();
    return { agent, stop: async () => (controller.abort(), await running) };
  };

  it('applies queued actions once, reports them, and the edge records the accounts', async () => {
    const creates = people(20, 'a');
    const group = { groupId: 'eng', appId: 'corp-ldap', attributes: { name: 'eng' } };
    await queue(edge.db, [...creates, action('group.create', { ...group, id: 'g1', userId: undefined }), action('membership.add', { ...group, id: 'm1', userId: creates[0]?.userId as string })]);
    const { agent, stop } = startAgent();
    await waitFor(async () => ((await outboxCounts(edge.db)).done ?? 0) >= 22, 30_000);
    await stop();
    expect(await count('(uid=a*)')).toHaveLength(20);
    expect(agent.stats.failed).toBeLessThanOrEqual(1); // membership may come before the group once, then it is retried
    expect((await getAccount(edge.db, 'a00000', 'corp-ldap'))?.externalId).toBe(`cn=Person a00000,ou=Engineering,ou=people,${BASE}`);
  }, 60_000);

  it('rejects a token without the agent scope and an app that is not a directory', async () => {
    const viaAdmin = await fetch(`${edge.url}/v1/agent/actions?app=nope&wait=0`, { headers: { authorization: `Bearer ${edge.agentToken}` } });
    expect(viaAdmin.status).toBe(404);
    const none = await fetch(`${edge.url}/v1/agent/actions?app=corp-ldap&wait=0`);
    expect(none.status).toBe(401);
  });

  it('survives the directory stopped mid-run and restarted: every action once, no try spent', async () => {
    await queue(edge.db, people(60, 'b'));
    const { agent, stop } = startAgent();
    await waitFor(async () => (await count('(uid=b*)')).length >= 10, 30_000, 20);
    await slapd.stop();
    await new Promise((r) => setTimeout(r, 1500));
    await slapd.start();
    await waitFor(async () => ((await outboxCounts(edge.db)).done ?? 0) >= 22 + 60, 60_000);
    await stop();
    const entries = await count('(uid=b*)');
    expect(entries).toHaveLength(60);
    expect(new Set(entries.map((e) => e.uid)).size).toBe(60);
    const counts = await outboxCounts(edge.db);
    expect(counts.dead ?? 0).toBe(0);
    // An unreachable directory gives actions back without spending a try (a shutdown answered
    // with an LDAP code, e.g. 52 unavailable, is an ordinary retry: at most one more).
    const rows = await Promise.all(people(60, 'b').map((a) => getAction(edge.db, a.id)));
    expect(rows.filter((r) => (r?.attempts ?? 0) > 2)).toEqual([]);
    expect(rows.filter((r) => r?.attempts === 1).length).toBeGreaterThanOrEqual(58);
    console.log(`directory restart: ${agent.stats.applied} applied, ${agent.stats.already} already there, ${agent.stats.failed} failed (unreachable, released)`);
  }, 90_000);

  it('keeps its results while the edge is away and reports them when it is back', async () => {
    await queue(edge.db, people(40, 'e'));
    const logs: Record<string, unknown>[] = [];
    const { stop } = startAgent(logs);
    await waitFor(async () => (await count('(uid=e*)')).length >= 5, 30_000, 20);
    await edge.stop();
    await new Promise((r) => setTimeout(r, 1500));
    edge.start();
    await waitFor(async () => ((await outboxCounts(edge.db)).done ?? 0) >= 22 + 60 + 40, 60_000);
    await stop();
    expect(await count('(uid=e*)')).toHaveLength(40);
    expect((await outboxCounts(edge.db)).dead ?? 0).toBe(0);
    expect(logs.some((l) => String(l.msg).startsWith('edge unreachable'))).toBe(true);
  }, 90_000);

  it('reports bad DNs and constraint violations as dead actions with the LDAP code', async () => {
    const bad = action('account.create', { id: 'bad-dn', userId: 'bad', appId: 'corp-ldap', attributes: { uid: 'bad', cn: 'Bad', sn: 'B', ou: 'Nowhere' } });
    const constraint = action('account.create', { id: 'bad-constraint', userId: 'bad2', appId: 'corp-ldap', attributes: { uid: 'bad2', cn: 'Bad Two', sn: 'B', ou: 'Sales', displayName: ['x', 'y'] } });
    await queue(edge.db, [bad, constraint]);
    const { stop } = startAgent();
    await waitFor(async () => ((await outboxCounts(edge.db)).dead ?? 0) >= 2, 30_000);
    await stop();
    const rows = await Promise.all(['bad-constraint', 'bad-dn'].map((id) => getAction(edge.db, id)));
    expect(rows.map((r) => [r?.id, r?.lastError])).toEqual([
      ['bad-constraint', expect.stringMatching(/ldap 19 constraintViolation/)],
      ['bad-dn', expect.stringMatching(/ldap 32 noSuchObject/)],
    ]);
  }, 60_000);

  it('delegated login binds as the user: JIT on success, rules queue its actions, the same 401 for a wrong password and an unknown user', async () => {
    const files = [
      { path: 'apps/corp-ldap.yaml', text: "kind: app\nid: corp-ldap\nname: Corporate directory\nconnector: ldap\nattributes:\n  uid: { expr: 'user.login' }\n  cn: { expr: 'user.cn' }\n  sn: { expr: 'user.sn' }\n  mail: { expr: 'user.email' }\n  ou: { expr: 'user.ou' }\n" },
      { path: 'assignments/directory.yaml', text: "kind: assignment\nid: sales-directory\nwhen:\n  all:\n    - { fact: ou, operator: equal, value: Sales }\nassign:\n  - { app: corp-ldap }\n" },
    ];
    const uploaded = await fetch(`${edge.url}/v1/rule-sets`, { method: 'POST', headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ files, activate: true }) });
    expect(uploaded.status, await uploaded.clone().text()).toBeLessThan(300);
    const agentLogs: Record<string, unknown>[] = [];
    const { stop } = startAgent(agentLogs);
    const c = new Client({ url: slapd.url });
    await c.bind(ROOT_DN, ROOT_PW);
    await c.add(`cn=Dee Login,ou=Sales,ou=people,${BASE}`, { objectClass: ['inetOrgPerson'], cn: 'Dee Login', sn: 'Login', uid: 'dee', mail: 'dee@example.com', ou: 'Sales', userPassword: 'Dee-pass-1' });
    await c.unbind();
    const login = (username: string, password: string) =>
      fetch(`${edge.url}/v1/login/delegated`, { method: 'POST', headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ app: 'corp-ldap', username, password }) }).then(async (r) => ({ status: r.status, body: await r.text() }));
    const before = await outboxCounts(edge.db);
    const wrong = await login('dee', 'nope');
    const unknown = await login('nobody', 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    expect(await login('dee', '')).toEqual(wrong);
    expect(await getIdentityByLogin(edge.db, 'dee')).toBeUndefined();
    expect(await outboxCounts(edge.db)).toEqual(before);
    const ok = await login('dee', 'Dee-pass-1');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ login: 'dee', created: true, actions: 1 });
    const identity = await getIdentityByLogin(edge.db, 'dee');
    expect(identity).toMatchObject({ login: 'dee', email: 'dee@example.com', status: 'ACTIVE', profile: { ou: 'Sales', cn: 'Dee Login' } });
    // The queued account.create reaches the agent, which finds the entry by uid and links it.
    await waitFor(async () => {
      return (await getAccount(edge.db, identity?.id as string, 'corp-ldap')) !== undefined;
    }, 30_000).catch(async (error) => {
      console.log(JSON.stringify(agentLogs.slice(-10)), JSON.stringify(await outboxCounts(edge.db)));
      throw error;
    });
    expect((await getAccount(edge.db, identity?.id as string, 'corp-ldap'))?.externalId).toBe(`cn=Dee Login,ou=Sales,ou=people,${BASE}`);
    await stop();
  }, 60_000);

  it('a login while the directory is down is 503 unavailable (not a wrong password) and writes nothing', async () => {
    const { stop } = startAgent();
    await slapd.stop();
    const before = await outboxCounts(edge.db);
    const started = Date.now();
    const response = await fetch(`${edge.url}/v1/login/delegated`, { method: 'POST', headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ app: 'corp-ldap', username: 'newbie', password: 'whatever' }) });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await getIdentityByLogin(edge.db, 'newbie')).toBeUndefined();
    expect(await outboxCounts(edge.db)).toEqual(before);
    await stop();
    await slapd.start();
  }, 60_000);

  it('an app the active rules define but nobody registered is "no connection yet", not missing', async () => {
    const files = [{ path: 'apps/hr-ldap.yaml', text: 'kind: app\nid: hr-ldap\nname: HR directory\nconnector: ldap\n' }];
    const uploaded = await fetch(`${edge.url}/v1/rule-sets`, { method: 'POST', headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ files, activate: true }) });
    expect(uploaded.status, await uploaded.clone().text()).toBeLessThan(300);
    const ask = (token: string, path: string, body?: unknown) =>
      fetch(`${edge.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) }).then(async (r) => ({ status: r.status, message: ((await r.json()) as { error?: { message: string } }).error?.message }));
    const notConnected = { status: 404, message: 'app `hr-ldap` (apps/hr-ldap.yaml:1) has no connection yet: register it with POST /v1/apps (connector `ldap`)' };
    expect(await ask(edge.agentToken, '/v1/agent/actions?app=hr-ldap&wait=0')).toEqual(notConnected);
    expect(await ask(edge.agentToken, '/v1/agent/imports/cursor?app=hr-ldap')).toEqual(notConnected);
    expect(await ask(edge.adminToken, '/v1/login/delegated', { app: 'hr-ldap', username: 'dee', password: 'x' })).toEqual(notConnected);
    // An app no rule file defines and nobody registered is still simply unknown.
    expect(await ask(edge.agentToken, '/v1/agent/actions?app=nope&wait=0')).toEqual({ status: 404, message: 'no app `nope`' });
    expect(await ask(edge.adminToken, '/v1/login/delegated', { app: 'nope', username: 'dee', password: 'x' })).toEqual({ status: 404, message: 'no directory app `nope`' });
  });
});

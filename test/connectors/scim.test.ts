// The SCIM client connector end to end against a real SCIM server (scimmy + scimmy-routers on
// 127.0.0.1): the shared suite, then what is SCIM's own — lookup before create, 409
// uniqueness, 404 on update, 429 with Retry-After, PUT where PATCH is unsupported, OAuth2
// client credentials, group push, passwords and the paginated read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimConnector } from '../../edge/connectors/scim/index.ts';
import type { ScimConfig } from '../../edge/connectors/scim/config.ts';
import { checkConfig } from '../../edge/connectors/registry.ts';
import type { Connector } from '../../edge/connectors/types.ts';
import type { Db } from '../../edge/db/index.ts';
import { connectorCases } from './connector.case.ts';
import { action, deps, memoryDb } from './helpers.ts';
import { startFaultProxy } from './peers/fault-proxy.ts';
import type { ScimServer } from './peers/scim-server.ts';
import { startScimServer } from './peers/scim-server.ts';

let db: Db;
beforeAll(async () => {
  db = await memoryDb();
});

function connect(server: { baseUrl: string }, extra: Partial<ScimConfig> = {}): Connector {
  return scimConnector.create({ baseUrl: server.baseUrl, auth: { type: 'bearer', token: 'scim-test-token' }, timeoutMs: 2000, ...extra }, deps(db));
}

const createFor = (userId: string, extra: Record<string, string> = {}) =>
  action('account.create', { userId, appId: 'app', attributes: { userName: `${userId}@example.com`, displayName: userId, email: `${userId}@example.com`, 'name.givenName': userId, ...extra } });

const userBy = (server: ScimServer, userId: string) => [...server.users.values()].find((u) => u.externalId === userId);

connectorCases('scim', {
  lifecycle: true,
  unsupported: 'task.manual',
  async start() {
    const server = await startScimServer();
    return {
      connector: connect(server),
      create: (userId) => createFor(userId),
      account: async (userId) => {
        const u = userBy(server, userId);
        return u ? { active: u.active !== false, attributes: u } : undefined;
      },
      count: async () => server.users.size,
      close: () => server.close(),
    };
  },
});

describe('scim connector against scimmy', () => {
  let server: ScimServer;
  beforeAll(async () => {
    server = await startScimServer({ oauth: { clientId: 'roster', clientSecret: 's3cret' } });
  });
  afterAll(() => server.close());

  it('looks the account up by the matching attribute before creating: an existing account is linked, not duplicated', async () => {
    const pre = await fetch(`${server.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: 'Bearer scim-test-token', 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'dee@example.com' }),
    });
    expect(pre.status).toBe(201);
    const id = ((await pre.json()) as { id: string }).id;
    const result = await connect(server).apply({ action: createFor('u-dee', { userName: 'dee@example.com' }) });
    expect(result).toMatchObject({ ok: true, effect: 'already', account: { externalId: id, status: 'active' } });
    expect([...server.users.values()].filter((u) => u.userName === 'dee@example.com')).toHaveLength(1);
  });

  it('a 409 uniqueness conflict with an account it cannot find is a dead letter naming the conflict', async () => {
    // The matching attribute is `externalId`-only here, so the lookup cannot see the holder.
    await connect(server).apply({ action: createFor('u-eve', { userName: 'shared@example.com' }) });
    const result = await connect(server, { matchAttribute: 'displayName' }).apply({ action: createFor('u-other', { userName: 'shared@example.com', displayName: 'someone else' }) });
    expect(result).toMatchObject({ ok: false, retryable: false, status: 409 });
    expect(!result.ok && result.error).toMatch(/409.*userName shared@example.com is taken/);
  });

  it('a 404 on update (the account was removed in the app) fails without retrying', async () => {
    const created = await connect(server).apply({ action: createFor('u-gone') });
    const externalId = created.ok && created.account && 'externalId' in created.account ? (created.account.externalId as string) : '';
    server.users.delete(externalId);
    const result = await connect(server).apply({ action: action('account.update', { userId: 'u-gone', appId: 'app', changes: { displayName: { from: 'a', to: 'b' } } }), link: { externalId, attributes: {} } });
    expect(result).toMatchObject({ ok: false, retryable: false, status: 404 });
  });

  it('a 429 with Retry-After is retryable and carries the wait', async () => {
    const proxy = await startFaultProxy({ target: server.url, rate: 1, seed: 7, retryAfterSeconds: 17 });
    // Seed 7 at rate 1: find a 429 by trying until the proxy gives one (kinds cycle at random).
    const connector = connect({ baseUrl: `${proxy.url}/scim/v2` }, { timeoutMs: 200 });
    let throttled;
    for (let i = 0; i < 40 && !throttled; i++) {
      const result = await connector.apply({ action: createFor(`u-throttle-${i}`) });
      if (!result.ok && result.status === 429) throttled = result;
    }
    await proxy.close();
    expect(throttled).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 17 });
  });

  it('uses PUT where /ServiceProviderConfig says PATCH is unsupported', async () => {
    server.setPatch(false);
    try {
      const connector = connect(server);
      await connector.apply({ action: createFor('u-put') });
      const before = server.requests.get('PUT /Users') ?? 0;
      const result = await connector.apply({ action: action('account.update', { userId: 'u-put', appId: 'app', changes: { title: { from: null, to: 'Engineer' } } }) });
      expect(result).toMatchObject({ ok: true, effect: 'applied' });
      expect(server.requests.get('PUT /Users')).toBe(before + 1);
      expect(userBy(server, 'u-put')).toMatchObject({ title: 'Engineer', displayName: 'u-put' });
    } finally {
      server.setPatch(true);
    }
  });

  it('authenticates with OAuth2 client credentials, reusing the token', async () => {
    const connector = scimConnector.create({ baseUrl: server.baseUrl, auth: { type: 'oauth2', tokenUrl: `${server.url}/oauth/token`, clientId: 'roster', clientSecret: 's3cret' } }, deps(db));
    const issued = server.tokensIssued;
    expect(await connector.apply({ action: createFor('u-oauth-1') })).toMatchObject({ ok: true });
    expect(await connector.apply({ action: createFor('u-oauth-2') })).toMatchObject({ ok: true });
    expect(server.tokensIssued).toBe(issued + 1);
    const wrong = scimConnector.create({ baseUrl: server.baseUrl, auth: { type: 'oauth2', tokenUrl: `${server.url}/oauth/token`, clientId: 'roster', clientSecret: 'nope' } }, deps(db));
    expect(await wrong.apply({ action: createFor('u-oauth-3') })).toMatchObject({ ok: false, retryable: false, status: 401 });
  });

  it('pushes groups: creates the group once, adds and removes members', async () => {
    const connector = connect(server);
    await connector.apply({ action: createFor('u-grp') });
    const addEarly = await connector.apply({ action: action('membership.add', { userId: 'u-grp', groupId: 'eng', appId: 'app' }) });
    expect(addEarly).toMatchObject({ ok: false, retryable: true });
    const create = action('group.create', { groupId: 'eng', appId: 'app', attributes: { name: 'Engineering' } });
    expect(await connector.apply({ action: create })).toMatchObject({ ok: true, effect: 'applied' });
    expect(await connector.apply({ action: create })).toMatchObject({ ok: true, effect: 'already' });
    const add = action('membership.add', { userId: 'u-grp', groupId: 'eng', appId: 'app' });
    expect(await connector.apply({ action: add })).toMatchObject({ ok: true, effect: 'applied' });
    expect(await connector.apply({ action: add })).toMatchObject({ ok: true, effect: 'already' });
    const group = [...server.groups.values()].find((g) => g.externalId === 'eng');
    expect(group).toMatchObject({ displayName: 'Engineering', members: [{ value: userBy(server, 'u-grp')?.id }] });
    expect([...server.groups.values()].filter((g) => g.externalId === 'eng')).toHaveLength(1);
    expect(await connector.apply({ action: action('membership.remove', { userId: 'u-grp', groupId: 'eng', appId: 'app' }) })).toMatchObject({ ok: true, effect: 'applied' });
    expect([...server.groups.values()].find((g) => g.externalId === 'eng')?.members ?? []).toEqual([]);
  });

  it('sets a password without echoing it, and refuses one it could not unseal', async () => {
    const connector = connect(server);
    await connector.apply({ action: createFor('u-pw') });
    const result = await connector.apply({ action: action('password.set', { userId: 'u-pw', appId: 'app' }), password: 'Correct-Horse-9' });
    expect(result).toEqual({ ok: true, effect: 'applied' });
    expect(userBy(server, 'u-pw')?.password).toBe('Correct-Horse-9');
    expect(await connector.apply({ action: action('password.set', { userId: 'u-pw', appId: 'app' }) })).toMatchObject({ ok: false, retryable: false });
  });

  it('reads every user and group page by page, within the app\'s filter.maxResults', async () => {
    const connector = connect(server, { pageSize: 500 });
    for (let i = 0; i < 70; i++) await connector.apply({ action: createFor(`u-page-${i}`) });
    const read = await connector.read?.();
    expect(read?.ok).toBe(true);
    if (!read?.ok) return;
    expect(read.accounts).toHaveLength(server.users.size);
    expect(new Set(read.accounts.map((a) => a.externalId)).size).toBe(server.users.size);
    // 50 per page (the server's maxResults), users and groups, plus the ServiceProviderConfig.
    expect(read.requests).toBeGreaterThanOrEqual(Math.ceil(server.users.size / 50));
    expect(read.accounts.find((a) => a.attributes.userName === 'u-page-7@example.com')).toMatchObject({ active: true, attributes: { email: 'u-page-7@example.com' } });
  });

  it('reports config errors clearly', () => {
    const checked = checkConfig(scimConnector.config, { baseUrl: 'not a url', auth: { type: 'bearer' }, concurrency: 0 });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.join('\n')).toMatch(/`baseUrl`/);
    expect(checked.errors.join('\n')).toMatch(/`auth.token`/);
    expect(checked.errors.join('\n')).toMatch(/`concurrency`/);
  });
});

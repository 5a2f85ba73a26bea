// The generic web-service connector against a small real HTTP app started in the test: the
// shared suite, then templates, lookups and config errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkConfig, connectorDefinitions } from '../../edge/connectors/registry.ts';
import type { RestConfig } from '../../edge/connectors/rest/config.ts';
import { restConnector } from '../../edge/connectors/rest/index.ts';
import type { Db } from '../../edge/db/index.ts';
import { connectorCases } from './connector.case.ts';
import { action, deps, memoryDb } from './helpers.ts';
import { startRestApp } from './peers/rest-app.ts';

let db: Db;
beforeAll(async () => {
  db = await memoryDb();
});

/** The app file's `config` for the test app: endpoints and JSON templates per action type. */
const config = (baseUrl: string): RestConfig => ({
  baseUrl,
  auth: { type: 'bearer', token: 'rest-token' },
  idField: 'data.id',
  lookup: { method: 'GET', path: '/api/users?ref={{userId}}' },
  actions: {
    'account.create': { method: 'POST', path: '/api/users', body: { ref: '{{userId}}', login: '{{attributes.login}}', email: '{{attributes.email}}', displayName: 'User {{attributes.login}}' } },
    'account.update': { method: 'PATCH', path: '/api/users/{{externalId}}', body: '{{changes}}' },
    'account.deactivate': { method: 'POST', path: '/api/users/{{externalId}}/disable' },
    'account.reactivate': { method: 'POST', path: '/api/users/{{externalId}}/enable' },
    'account.delete': { method: 'DELETE', path: '/api/users/{{externalId}}', alreadyOn: [404] },
  },
});

const createFor = (userId: string) => action('account.create', { userId, appId: 'app', attributes: { login: userId, email: `${userId}@example.com` } });

connectorCases('rest', {
  lifecycle: true,
  unsupported: 'group.create',
  async start() {
    const app = await startRestApp();
    const byRef = (ref: string) => [...app.users.values()].find((u) => u.ref === ref);
    return {
      connector: restConnector.create(config(app.url), deps(db)),
      create: createFor,
      account: async (userId) => {
        const u = byRef(userId);
        return u ? { active: u.enabled, attributes: { ...u } } : undefined;
      },
      count: async () => app.users.size,
      close: () => app.close(),
    };
  },
});

describe('rest connector', () => {
  it('renders templates with typed values, sends the action id as Idempotency-Key and records the app\'s id', async () => {
    const app = await startRestApp();
    try {
      const create = createFor('u-tpl');
      const result = await restConnector.create(config(app.url), deps(db)).apply({ action: create });
      expect(result).toMatchObject({ ok: true, effect: 'applied', account: { externalId: 'r1', status: 'active' } });
      expect(app.users.get('r1')).toMatchObject({ ref: 'u-tpl', login: 'u-tpl', email: 'u-tpl@example.com', displayName: 'User u-tpl', enabled: true });
      expect(app.keys).toContain(create.id);
    } finally {
      await app.close();
    }
  });

  it('a template that needs a missing value is a dead letter naming it, and nothing is sent', async () => {
    const app = await startRestApp();
    try {
      const noLookup = { ...config(app.url), lookup: undefined };
      const result = await restConnector.create(noLookup, deps(db)).apply({ action: action('account.create', { userId: 'u-x', appId: 'app', attributes: { email: 'x@example.com' } }) });
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(!result.ok && result.error).toMatch(/`attributes.login`/);
      expect(app.users.size).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('an unreachable app is retryable', async () => {
    const result = await restConnector.create({ ...config('http://127.0.0.1:9'), timeoutMs: 500 }, deps(db)).apply({ action: createFor('u-down') });
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  it('reports config errors by path', () => {
    const checked = checkConfig(restConnector.config, { baseUrl: 'https://x.example', actions: { 'account.create': { method: 'FETCH', path: 'users' }, 'account.frobnicate': { method: 'GET', path: '/' } } });
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.errors.join('\n')).toMatch(/`actions.account.create.method`[\s\S]*`actions.account.create.path`/);
  });

  it('refuses an app address that is plain http beyond this machine or holds credentials, for every connector', () => {
    const cases = [
      ['rest', 'baseUrl', (url: string) => ({ baseUrl: url, actions: { 'account.create': { method: 'POST', path: '/users' } } })],
      ['scim', 'baseUrl', (url: string) => ({ baseUrl: url, auth: { type: 'bearer', token: 't' } })],
      ['scim', 'auth.tokenUrl', (url: string) => ({ baseUrl: 'https://x.example', auth: { type: 'oauth2', tokenUrl: url, clientId: 'c', clientSecret: 's' } })],
      ['manual', 'consoleUrl', (url: string) => ({ consoleUrl: url })],
    ] as const;
    for (const [kind, path, config] of cases) {
      const check = (url: string) => checkConfig(connectorDefinitions.get(kind)!.config, config(url));
      expect(check('https://app.example/scim'), `${kind} ${path}`).toMatchObject({ ok: true });
      expect(check('http://127.0.0.1:8080/scim'), `${kind} ${path}`).toMatchObject({ ok: true });
      expect(check('http://app.example/scim'), `${kind} ${path}`).toEqual({ ok: false, errors: [expect.stringMatching(new RegExp(`^\`${path.replace('.', '\\.')}\`: is not https`))] });
      expect(check('https://svc:hunter2@app.example/scim'), `${kind} ${path}`).toEqual({ ok: false, errors: [expect.stringMatching(new RegExp(`^\`${path.replace('.', '\\.')}\`: holds credentials`))] });
      for (const bad of ['ftp://app.example/', 'not a url', '']) expect(check(bad), `${kind} ${path} ${bad}`).toMatchObject({ ok: false });
    }
  });

  it("every connector's config takes the import correlation keys (a manual app with match rules once failed to build)", () => {
    const correlation = { match: [{ user: 'lastName', app: 'sn' }], autoConfirm: true };
    for (const [kind, base] of [['manual', {}], ['rest', { baseUrl: 'https://x.example', actions: { 'account.create': { method: 'POST', path: '/users' } } }], ['scim', { baseUrl: 'https://x.example', auth: { type: 'bearer', token: 't' } }]] as const) {
      expect(checkConfig(connectorDefinitions.get(kind)!.config, { ...base, ...correlation }), kind).toMatchObject({ ok: true });
      expect(checkConfig(connectorDefinitions.get(kind)!.config, { ...base, match: [{ user: 'email' }] }), kind).toMatchObject({ ok: false });
    }
  });
});

// Every route group answers 401 without a valid token and 403 to a scope it does not admit.
import { expect, it } from 'vitest';
import { revokeToken, verifyToken } from '../../../edge/auth/tokens.ts';
import type { TokenScope } from '../../../edge/auth/tokens.ts';
import type { MakeRuntime } from '../context.ts';
import { setup } from '../context.ts';

/**
 * One representative request per route group, with the scopes that must be refused. A `jit`
 * token is refused everywhere but the login itself (added in the test).
 */
export const ROUTE_GROUPS: { name: string; method: string; path: string; body?: unknown; forbidden: Exclude<TokenScope, 'admin' | 'jit'>[] }[] = [
  { name: 'users list', method: 'GET', path: '/v1/users', forbidden: ['scim', 'agent'] },
  { name: 'users create', method: 'POST', path: '/v1/users', body: { login: 'x' }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'groups', method: 'GET', path: '/v1/groups', forbidden: ['scim', 'agent'] },
  { name: 'groups create', method: 'POST', path: '/v1/groups', body: { id: 'g', name: 'g' }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'group members', method: 'GET', path: '/v1/groups/g/members', forbidden: ['scim', 'agent'] },
  { name: 'apps', method: 'GET', path: '/v1/apps', forbidden: ['scim', 'agent'] },
  { name: 'rule sets', method: 'GET', path: '/v1/rule-sets', forbidden: ['scim', 'agent'] },
  { name: 'rule sets upload', method: 'POST', path: '/v1/rule-sets', body: { files: [] }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'simulate', method: 'POST', path: '/v1/simulate', body: {}, forbidden: ['read', 'scim', 'agent'] },
  { name: 'observed', method: 'GET', path: '/v1/observed', forbidden: ['scim', 'agent'] },
  { name: 'runs', method: 'GET', path: '/v1/runs', forbidden: ['scim', 'agent'] },
  { name: 'runs create', method: 'POST', path: '/v1/runs', body: {}, forbidden: ['read', 'scim', 'agent'] },
  { name: 'outbox', method: 'GET', path: '/v1/outbox', forbidden: ['scim', 'agent'] },
  { name: 'reports', method: 'GET', path: '/v1/reports/accounts-per-app', forbidden: ['scim', 'agent'] },
  { name: 'audit', method: 'GET', path: '/v1/audit', forbidden: ['scim', 'agent'] },
  { name: 'lifecycle', method: 'POST', path: '/v1/users/u1/lifecycle/suspend', forbidden: ['read', 'scim', 'agent'] },
  { name: 'rule sets activate', method: 'POST', path: '/v1/rule-sets/abc/activate', forbidden: ['read', 'scim', 'agent'] },
  { name: 'runs approve', method: 'POST', path: '/v1/runs/r1/approve', forbidden: ['read', 'scim', 'agent'] },
  { name: 'apps update', method: 'PATCH', path: '/v1/apps/github', body: { name: 'x' }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'passwords', method: 'POST', path: '/v1/users/u1/password', body: { password: 'x' }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'jit login', method: 'POST', path: '/v1/jit', body: { id_token: 'x' }, forbidden: ['read', 'scim', 'agent'] },
  { name: 'jit bindings', method: 'GET', path: '/v1/jit/bindings/u1', forbidden: ['scim', 'agent'] },
  { name: 'agent', method: 'GET', path: '/v1/agent/actions', forbidden: ['read', 'scim'] },
];

const refusedScopes = (group: (typeof ROUTE_GROUPS)[number]): Exclude<TokenScope, 'admin'>[] => (group.path === '/v1/jit' ? group.forbidden : [...group.forbidden, 'jit']);

export function authCases(makeRuntime: MakeRuntime): void {
  it('serves /health, /openapi.json and /docs without a token', async () => {
    const t = await setup(makeRuntime);
    const health = await t.call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', db: 'ok' });
    expect((await t.call('GET', '/openapi.json', { token: null })).status).toBe(200);
    const docs = await t.call('GET', '/docs', { token: null });
    expect(docs.status).toBe(200);
    // The page's start-up script is a file (the Content-Security-Policy allows no inline one).
    expect(docs.text).toContain('<script src="/docs/assets/init.js">');
    const init = await t.call('GET', '/docs/assets/init.js', { token: null });
    expect(init.status).toBe(200);
    expect(init.text).toContain("url: '/openapi.json'");
  });

  for (const group of ROUTE_GROUPS) {
    it(`${group.name}: 401 without, with a bad and with a revoked token; 403 for ${refusedScopes(group).join(', ')}`, async () => {
      const t = await setup(makeRuntime);
      const send = (token: string | null) => t.call(group.method, group.path, { token, ...(group.body !== undefined ? { body: group.body } : {}) });
      const missing = await send(null);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(missing.body.error.code).toBe('unauthorized');
      const bogus = await send('rst_admin_' + 'A'.repeat(43));
      expect(bogus.status).toBe(401);
      expect(bogus.headers.get('www-authenticate')).toContain('invalid_token');
      const verified = await verifyToken(t.runtime.db, t.tokens.admin);
      if (!verified.ok) throw new Error('admin token did not verify');
      await revokeToken(t.runtime.db, verified.value.id, { at: t.runtime.now(), actor: 'test' });
      expect((await send(t.tokens.admin)).status).toBe(401);
      for (const scope of refusedScopes(group)) {
        const res = await send(t.tokens[scope]);
        expect(res.status, scope).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    });
  }

  it('refuses a jit token SCIM too: it may log users in and nothing else', async () => {
    const t = await setup(makeRuntime);
    const res = await t.call('GET', '/scim/v2/Users', { token: t.tokens.jit });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('a `jit` token may not GET `/scim/v2/Users`');
  });

  it('lets a read token GET but not change anything', async () => {
    const t = await setup(makeRuntime);
    expect((await t.call('GET', '/v1/users', { token: t.tokens.read })).status).toBe(200);
    expect((await t.call('POST', '/v1/users', { token: t.tokens.read, body: { login: 'ann' } })).status).toBe(403);
    expect((await t.call('GET', '/v1/users')).body.items).toEqual([]);
  });

  it('never puts a token in a response or a log line', async () => {
    const t = await setup(makeRuntime);
    await t.call('GET', '/v1/users');
    await t.call('GET', '/v1/users', { token: t.tokens.scim });
    await t.call('GET', '/v1/users', { token: 'rst_admin_' + 'B'.repeat(43) });
    const responses = [await t.call('GET', '/v1/audit'), await t.call('GET', '/v1/users')];
    const everything = [...t.logs, ...responses.map((r) => r.text)].join('\n');
    expect(t.logs.length).toBeGreaterThan(3);
    for (const token of Object.values(t.tokens)) expect(everything).not.toContain(token);
    expect(everything).not.toContain('B'.repeat(43));
  });
}

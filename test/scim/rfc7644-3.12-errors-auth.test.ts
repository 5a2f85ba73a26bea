// RFC 7644 §3.12 (error responses) and §2 (authentication and authorization): every failure
// on /scim/v2 is a SCIM error body with `status` as a string — 401 without or with a bad
// token, 403 for a token of another scope — and source-bound tokens: a user or group created
// through one source cannot be read, modified or deleted through another (404: it does not
// exist for that token), and an unbound token may read it but not change it (403).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { ERROR, GROUP, PATCH_OP, USER, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

describe('RFC 7644 §3.12 and §2: authentication', () => {
  it('401 without a token, with a malformed one, with a revoked-looking unknown one — SCIM bodies, WWW-Authenticate set', async () => {
    for (const token of [null, 'garbage', `rst_scim_${'A'.repeat(43)}`]) {
      const res = await s.call('GET', '/Users', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ schemas: [ERROR], status: '401' });
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
    }
  });
  it('403 for a token whose scope is not scim (read), on every route group', async () => {
    for (const path of ['/Users', '/Groups', '/ServiceProviderConfig', '/Schemas', '/Bulk']) {
      const res = await s.call(path === '/Bulk' ? 'POST' : 'GET', path, { token: s.tokens.read });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ schemas: [ERROR], status: '403' });
    }
  });
  it('an admin token may use SCIM too (unbound)', async () => {
    expect((await s.call('GET', '/Users', { token: s.tokens.admin })).status).toBe(200);
  });
  it('unknown paths and methods answer SCIM errors (404, 405, 501 for /Me)', async () => {
    expect((await s.call('GET', '/Widgets')).body).toMatchObject({ schemas: [ERROR], status: '404' });
    expect((await s.call('DELETE', '/Users')).body).toMatchObject({ schemas: [ERROR], status: '405' });
    expect((await s.call('GET', '/Me')).body).toMatchObject({ schemas: [ERROR], status: '501' });
  });
  it('a body that is not JSON at all is 415 or 400, never 500', async () => {
    const res = await s.call('POST', '/Users', { raw: 'userName=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body.schemas).toEqual([ERROR]);
  });
});

describe('RFC 7644 §2 authorization: tokens bound to a source', () => {
  it('a user created through okta is invisible to entra (404 on GET, PUT, PATCH, DELETE; absent from lists), nothing written', async () => {
    const u = await s.createUser('okta-user', {}, s.tokens.okta);
    const audit = await s.rows('audit_events');
    const e = s.tokens.entra;
    expect((await s.call('GET', `/Users/${u.id}`, { token: e })).status).toBe(404);
    expect((await s.call('PUT', `/Users/${u.id}`, { token: e, body: { schemas: [USER], userName: 'stolen' } })).status).toBe(404);
    expect((await s.call('PATCH', `/Users/${u.id}`, { token: e, body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] } })).status).toBe(404);
    expect((await s.call('DELETE', `/Users/${u.id}`, { token: e })).body).toMatchObject({ schemas: [ERROR], status: '404' });
    expect((await s.call('GET', '/Users?filter=userName eq "okta-user"', { token: e })).body.totalResults).toBe(0);
    expect(await s.rows('audit_events')).toBe(audit);
    expect((await s.call('GET', `/Users/${u.id}`, { token: s.tokens.okta })).body.active).toBe(true);
  });
  it('entra cannot take over okta\'s userName either: 409 uniqueness', async () => {
    await s.createUser('shared', {}, s.tokens.okta);
    expect((await s.call('POST', '/Users', { token: s.tokens.entra, body: { schemas: [USER], userName: 'shared' } })).body).toMatchObject({ status: '409', scimType: 'uniqueness' });
  });
  it('an unbound scim token reads a source\'s user but may not change it: 403', async () => {
    const u = await s.createUser('okta-user', {}, s.tokens.okta);
    expect((await s.call('GET', `/Users/${u.id}`)).status).toBe(200);
    const res = await s.call('PATCH', `/Users/${u.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'x' }] } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe("user `" + u.id + "` belongs to source `okta`; this token writes as `scim`");
  });
  it('groups follow the same rule', async () => {
    const g = (await s.call('POST', '/Groups', { token: s.tokens.okta, body: { schemas: [GROUP], displayName: 'Okta G' } })).body;
    expect((await s.call('DELETE', `/Groups/${g.id}`, { token: s.tokens.entra })).status).toBe(404);
    expect((await s.call('DELETE', `/Groups/${g.id}`)).status).toBe(403);
    expect((await s.call('DELETE', `/Groups/${g.id}`, { token: s.tokens.okta })).status).toBe(204);
  });
});

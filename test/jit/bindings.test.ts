// An identity belongs to the IdP account (issuer `iss`, subject `sub`) that first signed in as it
// (OIDC Core §5.7), not to whoever's token carries its login: another issuer, or another account
// of the same issuer that took over a `preferred_username`, is refused with 409 and writes
// nothing; a bound account that was renamed at its IdP keeps its own identity. Through the API,
// with tokens from real JWKS endpoints, over a libSQL file and over D1 (Miniflare's workerd).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../edge/auth/tokens.ts';
import { getIdentity } from '../../edge/db/repos/identities.ts';
import { startJitApp, settingsFile } from './jit-app.ts';
import type { JitApp, JitStorage } from './jit-app.ts';
import { startIssuer } from './jwks-server.ts';
import type { Issuer } from './jwks-server.ts';

const RULES = [
  { path: 'apps.yaml', text: 'kind: app\nid: payroll\nconnector: scim\nroles: [admin]\n' },
  { path: 'rules.yaml', text: 'kind: assignment\nid: finance-payroll\nwhen: { all: [{ fact: department, operator: equal, value: Finance }] }\nassign: [{ app: payroll, role: admin }]\n' },
];
describe.each<[string, JitStorage]>([
  ['libSQL file', 'file'],
  ['D1', 'd1'],
])('over %s', (_name, storage) => {
  let okta: Issuer;
  let entra: Issuer;
  let hr: Issuer;
  let jit: JitApp;
  let reader: string;

  beforeAll(async () => {
    [okta, entra, hr] = await Promise.all([startIssuer(), startIssuer({ alg: 'RS256' }), startIssuer()]);
    jit = await startJitApp(
      [
        settingsFile([
          { url: okta.url, jwksUri: okta.jwksUri, extra: 'claims: { department: department }' },
          { url: entra.url, jwksUri: entra.jwksUri, extra: 'claims: { department: department }' },
          { url: hr.url, jwksUri: hr.jwksUri, extra: 'claims: { id: employee_id, department: department }' },
        ]),
        ...RULES,
      ],
      { storage, allRoutes: true },
    );
    reader = (await createToken(jit.db, { scope: 'read' }, { at: new Date().toISOString(), actor: 'test' })).token;
  });
  afterAll(async () => {
    await jit.close();
    await Promise.all([okta.close(), entra.close(), hr.close()]);
  });

  type Body = { userId: string; login: string; created: boolean; accounts: { app: string; role?: string }[]; error: { code: string; message: string } };
  const login = async (issuer: Issuer, claims: Record<string, unknown>) => {
    const res = await jit.post(await issuer.sign(claims));
    return { status: res.status, body: (await res.json()) as Body };
  };
  const api = (method: string, path: string, body?: unknown, token = jit.admin) =>
    jit.app.request(path, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const audit = (type: string) => jit.db.all<{ subject: string; data: string }>(sql`SELECT subject, data FROM audit_events WHERE type = ${type} ORDER BY seq`);
  const bindings = () => jit.db.all<{ issuer: string; subject: string; user_id: string }>(sql`SELECT issuer, subject, user_id FROM jit_bindings ORDER BY created_at, subject`);
  /** Everything a refused login must leave as it was. */
  const state = async () => ({
    counts: await jit.counts(),
    audit: (await jit.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events`))[0]?.n,
    bindings: await bindings(),
    identities: await jit.db.all(sql`SELECT * FROM identities ORDER BY id`),
  });

  describe('the first login of an IdP account', () => {
    it('creates the identity and binds the account to it in the same write, and says so in the audit log', async () => {
      const { status, body } = await login(okta, { sub: 'okta-ada', preferred_username: 'ada', department: 'Finance' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ login: 'ada', created: true, accounts: [{ app: 'payroll', role: 'admin' }] });
      expect(await bindings()).toEqual([{ issuer: okta.url, subject: 'okta-ada', user_id: body.userId }]);
      const bound = await audit('identity.bind');
      expect(bound.map((e) => ({ subject: e.subject, data: JSON.parse(e.data) }))).toEqual([{ subject: body.userId, data: { issuer: okta.url, subject: 'okta-ada', found: 'created' } }]);
      const res = await api('GET', `/v1/jit/bindings/${body.userId}`, undefined, reader);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ issuer: okta.url, subject: 'okta-ada', userId: body.userId });
    });

    it('binds an identity no account holds yet, found by its login (made by the admin API, an HR import…)', async () => {
      const made = await api('POST', '/v1/users', { id: 'emp-0042', login: 'grace', profile: { department: 'Finance' } });
      expect(made.status).toBe(201);
      const { status, body } = await login(entra, { sub: 'entra-grace', preferred_username: 'grace' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ userId: 'emp-0042', created: false });
      expect(JSON.parse((await audit('identity.bind')).at(-1)?.data ?? '{}')).toEqual({ issuer: entra.url, subject: 'entra-grace', found: 'by login' });
      // Binding alone is no change to the identity: its version (the ETag admins hold) stays.
      expect((await getIdentity(jit.db, 'emp-0042'))?.version).toBe(1);
    });
  });

  describe('a login claim naming an identity that another IdP account holds', () => {
    const takeovers: [string, () => Issuer, Record<string, unknown>, RegExp][] = [
      ['from another issuer', () => entra, { sub: 'entra-mallory', preferred_username: 'ada', department: 'Sales' }, /is bound to an account of issuer `http:\/\/127\.0\.0\.1:\d+`; an identity signs in from one IdP account only/],
      ['from another account of the same issuer (a username given up and taken again)', () => okta, { sub: 'okta-mallory', preferred_username: 'ada', department: 'Sales' }, /is bound to another account \(`sub`\) of issuer `http:\/\/127\.0\.0\.1:\d+`, not to `okta-mallory`/],
    ];
    for (const [what, issuer, claims, reason] of takeovers) {
      it(`${what} is refused with 409 naming the identity and its binding, and writes nothing`, async () => {
        const before = await state();
        const { status, body } = await login(issuer(), claims);
        expect(status).toBe(409);
        expect(body.error.code).toBe('jit_binding_conflict');
        expect(body.error.message).toMatch(/^identity `[^`]+` \(login `ada`\) /);
        expect(body.error.message).toMatch(reason);
        expect(await state()).toEqual(before);
      });
    }

    it('also when the identity was bound by a login that matched it (emp-0042, bound to Entra)', async () => {
      const before = await state();
      const { status, body } = await login(okta, { sub: 'okta-grace', preferred_username: 'grace' });
      expect(status).toBe(409);
      expect(body.error.message).toMatch(/^identity `emp-0042` \(login `grace`\) is bound to an account of issuer /);
      expect(await state()).toEqual(before);
    });

    it('also when an issuer maps the id claim to it', async () => {
      const before = await state();
      const { status, body } = await login(hr, { sub: 'hr-x', preferred_username: 'someone-else', employee_id: 'emp-0042' });
      expect(status).toBe(409);
      expect(body.error.message).toMatch(/^identity `emp-0042` \(login `grace`\) is bound to an account of issuer /);
      expect(await state()).toEqual(before);
    });
  });

  describe('a later login of a bound account', () => {
    it('updates its own identity when its login changed at the IdP, and makes no second identity', async () => {
      const ada = (await bindings()).find((b) => b.subject === 'okta-ada')?.user_id as string;
      const before = await jit.counts();
      const { status, body } = await login(okta, { sub: 'okta-ada', preferred_username: 'ada.lovelace', department: 'Finance' });
      expect(status).toBe(200);
      expect(body).toMatchObject({ userId: ada, login: 'ada.lovelace', created: false });
      expect((await getIdentity(jit.db, ada))?.login).toBe('ada.lovelace');
      expect((await jit.counts()).identities).toBe(before.identities);
      const [update] = (await audit('identity.update')).filter((e) => e.subject === ada);
      expect(JSON.parse(update?.data ?? '{}')).toMatchObject({ via: 'jit', login: { from: 'ada', to: 'ada.lovelace' } });
    });

    it('refuses a new login another identity holds in any case with 409 naming it, and writes nothing', async () => {
      const before = await state();
      const { status, body } = await login(okta, { sub: 'okta-ada', preferred_username: 'GRACE', department: 'Finance' });
      expect(status).toBe(409);
      expect(body.error).toEqual({ code: 'duplicate_login', message: 'login `GRACE` is taken: `grace` is the same login in another case' });
      expect(await state()).toEqual(before);
    });

    it('is refused when its id claim names another identity than the one it is bound to', async () => {
      const first = await login(hr, { sub: 'hr-lin', preferred_username: 'lin', employee_id: 'emp-0100' });
      expect(first.body).toMatchObject({ userId: 'emp-0100', created: true });
      const before = await state();
      const { status, body } = await login(hr, { sub: 'hr-lin', preferred_username: 'lin', employee_id: 'emp-0101' });
      expect(status).toBe(409);
      expect(body.error.message).toBe(`the account \`hr-lin\` of issuer \`${hr.url}\` is bound to identity \`emp-0100\`, but its id claim names \`emp-0101\``);
      expect(await state()).toEqual(before);
    });

    it('writes nothing when nothing changed', async () => {
      const before = await state();
      const { status } = await login(okta, { sub: 'okta-ada', preferred_username: 'ada.lovelace', department: 'Finance' });
      expect(status).toBe(200);
      expect(await state()).toEqual(before);
    });
  });

  describe('unbinding', () => {
    it('needs an admin token; the next login of another account whose login names the identity binds it', async () => {
      expect((await api('DELETE', '/v1/jit/bindings/emp-0042', undefined, reader)).status).toBe(403);
      const res = await api('DELETE', '/v1/jit/bindings/emp-0042');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ issuer: entra.url, subject: 'entra-grace', userId: 'emp-0042' });
      expect(JSON.parse((await audit('identity.unbind')).at(-1)?.data ?? '{}')).toEqual({ issuer: entra.url, subject: 'entra-grace' });
      expect((await api('DELETE', '/v1/jit/bindings/emp-0042')).status).toBe(404);
      const moved = await login(okta, { sub: 'okta-grace', preferred_username: 'grace' });
      expect(moved).toMatchObject({ status: 200, body: { userId: 'emp-0042', created: false } });
      expect((await login(entra, { sub: 'entra-grace', preferred_username: 'grace' })).status).toBe(409);
    });
  });

  describe('deleting an identity', () => {
    it('deletes its binding: the account is bound afresh, and a new identity with the same id is bound to nothing', async () => {
      const { body } = await login(entra, { sub: 'entra-bob', preferred_username: 'bob', department: 'Finance' });
      for (const op of ['deactivate', 'delete']) expect((await api('POST', `/v1/users/${body.userId}/lifecycle/${op}`)).status).toBe(200);
      expect((await bindings()).filter((b) => b.user_id === body.userId)).toEqual([]);
      expect((await api('POST', '/v1/users', { id: body.userId, login: 'robert' })).status).toBe(201);
      expect((await api('GET', `/v1/jit/bindings/${body.userId}`)).status).toBe(404);
      const again = await login(entra, { sub: 'entra-bob', preferred_username: 'bob' });
      expect(again).toMatchObject({ status: 200, body: { login: 'bob', created: true } });
      expect(again.body.userId).not.toBe(body.userId);
    });
  });

  describe('two first logins at once naming the same new login from two issuers', () => {
    it('make one identity, bound to one of them; the other is refused', async () => {
      const tokens = [await okta.sign({ sub: 'okta-cy', preferred_username: 'cy' }), await entra.sign({ sub: 'entra-cy', preferred_username: 'cy' })];
      const statuses = (await Promise.all(tokens.map((t) => jit.post(t)))).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const rows = await jit.db.all<{ id: string }>(sql`SELECT id FROM identities WHERE login = 'cy'`);
      expect(rows).toHaveLength(1);
      expect((await bindings()).filter((b) => b.user_id === rows[0]?.id)).toHaveLength(1);
    });
  });
});

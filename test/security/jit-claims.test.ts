// Claims are the user's word as far as the IdP lets users edit them. An email the IdP has not
// verified must not grant what rules give to the company's domain, nor name (and so take over)
// an identity; a login with control or invisible characters, or longer than the admin API
// allows, and attribute values of the wrong type are refused with the claim named, writing nothing.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, getIdentityByLogin } from '../../edge/db/repos/identities.ts';
import { startJitApp, settingsFile } from '../jit/jit-app.ts';
import type { JitApp } from '../jit/jit-app.ts';
import { startIssuer } from '../jit/jwks-server.ts';
import type { Issuer } from '../jit/jwks-server.ts';

const RULES = [
  { path: 'apps.yaml', text: 'kind: app\nid: slack\nconnector: scim\n' },
  { path: 'rules.yaml', text: "kind: assignment\nid: staff-slack\nwhen: { all: [{ fact: email, operator: endsWith, value: '@acme.example' }] }\nassign: [{ app: slack }]\n" },
];
let byName: Issuer;
let byEmail: Issuer;
let jit: JitApp;

beforeAll(async () => {
  byName = await startIssuer();
  byEmail = await startIssuer();
  jit = await startJitApp([
    settingsFile([
      { url: byName.url, jwksUri: byName.jwksUri, extra: 'claims: { department: department }' },
      { url: byEmail.url, jwksUri: byEmail.jwksUri, extra: 'claims: { login: email }' },
    ]),
    ...RULES,
  ]);
  await createIdentity(jit.db, { id: 'hr-ceo', login: 'ceo@acme.example', email: 'ceo@acme.example', status: 'ACTIVE', profile: { email: 'ceo@acme.example', firstName: 'Carol' }, sources: {} }, { at: new Date().toISOString(), actor: 'hr' });
});
afterAll(async () => {
  jit.close();
  await byName.close();
  await byEmail.close();
});

const writes = async () => (await jit.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events`))[0]?.n;

describe('an email the IdP has not verified', () => {
  for (const [what, verified] of [['email_verified: false', { email_verified: false }], ['no email_verified', {}], ['email_verified: "true" (a string)', { email_verified: 'true' }]] as const) {
    it(`(${what}) is not the identity's email and grants nothing the domain would`, async () => {
      const login = `mallory-${Object.keys(verified).length}-${String(Object.values(verified)[0])}`;
      const res = await jit.post(await byName.sign({ sub: login, preferred_username: login, email: 'it-admin@acme.example', ...verified }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ login, created: true, accounts: [] });
      const row = await getIdentityByLogin(jit.db, login);
      expect(row?.email).toBeNull();
      expect(row?.profile).not.toHaveProperty('email');
    });
  }

  it('is the email when email_verified is true', async () => {
    const res = await jit.post(await byName.sign({ sub: 'u-ann', preferred_username: 'ann', email: 'ann@acme.example', email_verified: true }));
    expect(await res.json()).toMatchObject({ login: 'ann', accounts: [{ app: 'slack' }] });
    expect((await getIdentityByLogin(jit.db, 'ann'))?.email).toBe('ann@acme.example');
  });

  it('cannot name the login: an existing identity with that address is not taken over', async () => {
    const before = { identity: await getIdentityByLogin(jit.db, 'ceo@acme.example'), writes: await writes() };
    const res = await jit.post(await byEmail.sign({ sub: 'attacker', email: 'ceo@acme.example', email_verified: false }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_id_token', message: "the id token's `email` is not verified (`email_verified` is not true), so it cannot name the login" } });
    expect(await getIdentityByLogin(jit.db, 'ceo@acme.example')).toEqual(before.identity);
    expect(await writes()).toBe(before.writes);
    const verified = await jit.post(await byEmail.sign({ sub: 'carol', email: 'ceo@acme.example', email_verified: true }));
    expect(await verified.json()).toMatchObject({ userId: 'hr-ceo', created: false });
  });
});

describe('a login another identity holds in another case', () => {
  it('makes no second identity beside it: a 401 naming the holder, writing nothing', async () => {
    const before = { counts: await jit.counts(), writes: await writes() };
    const res = await jit.post(await byName.sign({ sub: 'u-ann-2', preferred_username: 'ANN' }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'invalid_id_token', message: 'login `ANN` is taken: `ann` is the same login in another case' } });
    expect(await jit.counts()).toEqual(before.counts);
    expect(await writes()).toBe(before.writes);
  });
});

describe('odd claim values', () => {
  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a login with NUL (SQLite reads it back cut short there)', { preferred_username: 'ann\u0000root' }, /`preferred_username` claim has control or invisible characters/],
    ['a login with a newline', { preferred_username: 'ann\nINFO forged log line' }, /control or invisible characters/],
    ['a login with a zero-width space', { preferred_username: 'an\u200bn' }, /control or invisible characters/],
    ['a login with a space before it', { preferred_username: ' ann' }, /`preferred_username` claim starts or ends with a space/],
    ['a login with a no-break space after it', { preferred_username: 'ann\u00a0' }, /starts or ends with a space/],
    ['a login of 201 characters', { preferred_username: 'a'.repeat(201) }, /`preferred_username` claim is 201 characters long: a login has at most 200/],
    ['a number where the settings declare a string', { preferred_username: 'dora', department: 42 }, /claims do not fit the profile: `department` must be a string, got a number/],
    ['an object as a first name', { preferred_username: 'dora', given_name: { $ne: null } }, /`firstName` must be a string/],
    ['a verified email that is no address', { preferred_username: 'dora', email: 'dora at acme', email_verified: true }, /`email` is not an email address: `dora at acme`/],
  ];
  for (const [what, claims, reason] of refusals) {
    it(`refuses ${what} with 401 naming it, and writes nothing`, async () => {
      const before = { counts: await jit.counts(), writes: await writes(), ann: await getIdentityByLogin(jit.db, 'ann') };
      const res = await jit.post(await byName.sign({ sub: 'odd', ...claims }));
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'invalid_id_token', message: expect.stringMatching(reason) } });
      expect(await jit.counts()).toEqual(before.counts);
      expect(await writes()).toBe(before.writes);
      expect(await getIdentityByLogin(jit.db, 'ann')).toEqual(before.ann);
    });
  }
});

// ID tokens that verify with the issuer's key but were not meant for this login: issued to
// another client (azp, several audiences), from the future or long ago (iat), an access token
// rather than an ID token, or an HMAC "signed" with the issuer's public key (alg confusion).
// Each is a 401 naming why, and writes nothing.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJitApp, settingsFile } from '../jit/jit-app.ts';
import type { JitApp } from '../jit/jit-app.ts';
import { startIssuer } from '../jit/jwks-server.ts';
import type { Issuer } from '../jit/jwks-server.ts';

const claims = { sub: 'u-ada', preferred_username: 'ada' };
const now = () => Math.floor(Date.now() / 1000);
let issuer: Issuer;
let jit: JitApp;

beforeAll(async () => {
  issuer = await startIssuer({ alg: 'RS256' });
  // HS256 listed on purpose: even a misconfigured issuer must not accept its public key as an HMAC secret.
  jit = await startJitApp([settingsFile([{ url: issuer.url, jwksUri: issuer.jwksUri, extra: 'algorithms: [RS256, HS256]' }])]);
});
afterAll(async () => {
  jit.close();
  await issuer.close();
});

async function publicKeyAsSecret(): Promise<string> {
  const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: object[] };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
    .setIssuer(issuer.url)
    .setAudience('roster')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
}

const refusals: [string, () => Promise<string>, RegExp][] = [
  ['issued to another client (azp)', () => issuer.sign({ ...claims, azp: 'other-app' }), /issued to another client \(azp `other-app`\), not `roster`/],
  ['with several audiences and no azp', () => issuer.sign(claims, { audience: ['roster', 'other-app'] }), /several audiences and no `azp` naming `roster`/],
  ['with several audiences, azp another client', () => issuer.sign({ ...claims, azp: 'other-app' }, { audience: ['roster', 'other-app'] }), /issued to another client/],
  ['issued a day in the future (iat)', () => issuer.sign(claims, { issuedAt: now() + 86_400, expiresIn: now() + 2 * 86_400 }), /issued in the future \(iat\)/],
  ['issued a week ago, still unexpired', () => issuer.sign(claims, { issuedAt: now() - 7 * 86_400, expiresIn: now() + 86_400 }), /issued too long ago \(iat\)/],
  ['an access token (typ at+jwt)', () => issuer.sign(claims, { typ: 'at+jwt' }), /access token \(typ `at\+jwt`\) is not an id token/],
  ['HS256 signed with the public key', publicKeyAsSecret, /algorithm is not accepted|no key of issuer/],
];

describe('a token with a good signature that is not for this login', () => {
  for (const [what, make, reason] of refusals) {
    it(`refuses one ${what} with 401, a clear reason, and writes nothing`, async () => {
      const res = await jit.post(await make());
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'invalid_id_token', message: expect.stringMatching(reason) });
      expect(await jit.counts()).toEqual({ identities: 0, outbox: 0, runs: 0 });
    });
  }

  it('accepts several audiences when azp names ours, and a clock a little ahead of ours', async () => {
    const res = await jit.post(await issuer.sign({ ...claims, azp: 'roster' }, { audience: ['roster', 'api://roster'], issuedAt: now() + 30 }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: 'ada', created: true });
  });

  it('makes the JWKS be fetched again at most once per cooldown, however many unknown kids arrive', async () => {
    expect((await jit.post(await issuer.sign({ ...claims, azp: 'roster' }))).status).toBe(200);
    const before = issuer.fetches();
    const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => jit.post(await issuer.sign(claims, { kid: `attacker-${i}` }))));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(401));
    expect(issuer.fetches() - before).toBeLessThanOrEqual(1);
  });
});

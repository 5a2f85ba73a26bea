// An issuer in trouble (its JWKS endpoint failing, answering garbage, or hanging) is a 503 that
// says what went wrong, writes nothing, and is asked again at most once per RETRY_AFTER_MS however
// many logins arrive: a login storm during an IdP outage must not become a storm at the IdP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../engine/compile.ts';
import { FETCH_TIMEOUT_MS, KeysUnreadable, RETRY_AFTER_MS, issuerKeys } from '../../edge/jit/issuer-keys.ts';
import { startJitApp, settingsFile } from '../jit/jit-app.ts';
import type { JitApp } from '../jit/jit-app.ts';
import { startIssuer } from '../jit/jwks-server.ts';
import type { Issuer, JwksMode } from '../jit/jwks-server.ts';

const claims = { sub: 'u-ada', preferred_username: 'ada' };
const issuers: Issuer[] = [];
let jit: JitApp;

beforeAll(async () => {
  for (let i = 0; i < 5; i++) issuers.push(await startIssuer());
  jit = await startJitApp([settingsFile(issuers.map((i) => ({ url: i.url, jwksUri: i.jwksUri })))]);
});
afterAll(async () => {
  jit.close();
  await Promise.all(issuers.map((i) => i.close()));
});

const outages: [JwksMode, RegExp][] = [
  ['http-500', /answered HTTP 500/],
  ['not-json', /did not answer a JSON key set/],
  ['not-a-key-set', /did not answer a JSON key set/],
  ['hang', new RegExp(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`)],
];

describe('an issuer whose keys cannot be read', () => {
  outages.forEach(([mode, why], n) => {
    it(`(${mode}) answers 503 naming the issuer and why, writes nothing, and asks the issuer once for many logins`, async () => {
      const issuer = issuers[n] as Issuer;
      issuer.setMode(mode);
      const token = await issuer.sign(claims);
      const answers = await Promise.all([jit.post(token), jit.post(token)]);
      for (let i = 0; i < 3; i++) answers.push(await jit.post(token));
      for (const res of answers) {
        expect(res.status).toBe(503);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('unavailable');
        expect(body.error.message).toContain(`the keys of issuer \`${issuer.url}\` cannot be read`);
        expect(body.error.message).toMatch(why);
      }
      expect(issuer.fetches()).toBe(1);
      expect(await jit.counts()).toEqual({ identities: 0, outbox: 0, runs: 0 });
    });
  });

  it('is never asked over plain http (but for this machine): the rules are refused, and a setting stored before is a 503 saying so', async () => {
    const plainHttp = settingsFile([{ url: 'https://idp.example', jwksUri: 'http://idp.example/jwks' }]);
    const compiled = compileRules([plainHttp]);
    expect(compiled.diagnostics.map((d) => `${d.file}: ${d.message}`)).toEqual([expect.stringMatching(/^settings\.yaml: .*jwksUri `http:\/\/idp\.example\/jwks` is not https: keys fetched over plain http could be swapped in transit/)]);
    expect(compileRules([settingsFile([{ url: 'http://127.0.0.1:1', jwksUri: 'http://127.0.0.1:1/jwks' }])]).diagnostics).toEqual([]);
    expect(() => issuerKeys('http://idp.example/jwks')).toThrow(new KeysUnreadable('jwksUri `http://idp.example/jwks` is not https: keys fetched over plain http could be swapped in transit'));
  });

  it('is asked again once the retry interval has passed, and logins work as soon as it answers', async () => {
    const issuer = issuers[4] as Issuer;
    issuer.setMode('http-500');
    const token = await issuer.sign(claims);
    expect((await jit.post(token)).status).toBe(503);
    issuer.setMode('keys');
    expect((await jit.post(token)).status).toBe(503);
    expect(issuer.fetches()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS + 200));
    const res = await jit.post(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ login: 'ada', created: true });
    expect(issuer.fetches()).toBe(2);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { getIdentityByLogin } from '../../edge/db/repos/identities.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { jitRoutes } from '../../edge/routes/jit.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { startIssuer, unsignedToken } from './jwks-server.ts';
import type { Issuer } from './jwks-server.ts';

const ctx = { at: new Date().toISOString(), actor: 'test' };
let db: LibsqlDb;
let issuer: Issuer;
let app: ReturnType<typeof createApp>;
let admin: string;
let reader: string;
/** The login front end's token: it may POST /v1/jit and nothing else. */
let login: string;

function rules(issuerUrl: string, jwksUri: string) {
  return [
    {
      path: 'settings.yaml',
      text: `kind: settings
attributes: { department: string, title: string }
jit:
  issuers:
    - issuer: ${issuerUrl}
      jwksUri: ${jwksUri}
      audience: roster
      claims: { department: department, title: job_title }
`,
    },
    { path: 'apps.yaml', text: 'kind: app\nid: github\nconnector: scim\nroles: [developer]\nattributes: { email: { expr: "user.email" } }\n---\nkind: app\nid: slack\nconnector: scim\n' },
    {
      path: 'rules.yaml',
      text: `kind: group
id: engineering
when: { all: [{ fact: department, operator: equal, value: Engineering }] }
---
kind: assignment
id: eng-github
when: { all: [{ fact: groups, operator: contains, value: engineering }] }
assign: [{ app: github, role: developer }]
---
kind: assignment
id: everyone-slack
when: { all: [{ fact: email, operator: endsWith, value: '@acme.example' }] }
assign: [{ app: slack }]
`,
    },
  ];
}

beforeAll(async () => {
  issuer = await startIssuer();
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  await saveRuleSet(db, { version: 'v1', files: rules(issuer.url, issuer.jwksUri), source: 'test' }, ctx, { activate: true });
  admin = (await createToken(db, { scope: 'admin' }, ctx)).token;
  reader = (await createToken(db, { scope: 'read' }, ctx)).token;
  login = (await createToken(db, { scope: 'jit' }, ctx)).token;
  const runtime = await createRuntime({ db, log: () => {} });
  app = createApp(runtime, [{ path: '/v1/jit', routes: (rt) => jitRoutes(rt, []) }]);
});
afterAll(async () => {
  db.$client.close();
  await issuer.close();
});

const claims = { sub: 'u-ada', preferred_username: 'ada', email: 'ada@acme.example', email_verified: true, given_name: 'Ada', family_name: 'Lovelace', department: 'Engineering', job_title: 'Engineer' };

function post(idToken: string, token: string | null = login) {
  return app.request('/v1/jit', { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ id_token: idToken }) });
}

async function counts() {
  const [row] = await db.all<{ identities: number; outbox: number; runs: number }>(
    sql`SELECT (SELECT count(*) FROM identities) AS identities, (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM runs) AS runs`,
  );
  return { identities: Number(row?.identities), outbox: Number(row?.outbox), runs: Number(row?.runs) };
}

describe('POST /v1/jit', () => {
  it('refuses callers without a token (401) and read-only tokens (403)', async () => {
    const token = await issuer.sign(claims);
    expect((await post(token, null)).status).toBe(401);
    const forbidden = await post(token, reader);
    expect(forbidden.status).toBe(403);
    expect(await counts()).toEqual({ identities: 0, outbox: 0, runs: 0 });
  });

  it('lets a jit token log users in and do nothing else, not even read their bindings', async () => {
    const get = await app.request('/v1/jit/bindings/anyone', { headers: { authorization: `Bearer ${login}` } });
    expect(get.status).toBe(403);
    expect((await get.json()).error.message).toContain('a `jit` token may not GET `/v1/jit/bindings/anyone`');
    const del = await app.request('/v1/jit/bindings/anyone', { method: 'DELETE', headers: { authorization: `Bearer ${login}` } });
    expect(del.status).toBe(403);
  });

  const refusals: [string, () => Promise<string>, RegExp][] = [
    ['a wrong issuer', () => issuer.sign(claims, { issuer: 'https://evil.example' }), /issuer `https:\/\/evil\.example` is not trusted/],
    ['a wrong audience', () => issuer.sign(claims, { audience: 'someone-else' }), /audience is not `roster`/],
    ['an expired token', () => issuer.sign(claims, { expiresIn: Math.floor(Date.now() / 1000) - 120 }), /has expired/],
    ['a token not valid yet', () => issuer.sign(claims, { notBefore: '5m' }), /not valid yet/],
    ['a bad signature', async () => issuer.sign(claims, { key: (await issuer.otherKey()).privateKey }), /signature does not verify/],
    ['an unknown kid', () => issuer.sign(claims, { kid: 'rotated-away' }), /no key of issuer .* matches/],
    ['alg none', async () => unsignedToken({ ...claims, iss: issuer.url, aud: 'roster', exp: Math.floor(Date.now() / 1000) + 600 }), /alg `none`/],
    ['garbage', async () => 'not.a.jwt', /not a well-formed jwt/],
  ];
  for (const [what, make, reason] of refusals) {
    it(`refuses ${what} with 401, a clear reason, and writes nothing`, async () => {
      const res = await post(await make());
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_id_token');
      expect(body.error.message).toMatch(reason);
      expect(await counts()).toEqual({ identities: 0, outbox: 0, runs: 0 });
    });
  }

  it('creates the identity from a good token, queues its actions, and answers with its entitlements', async () => {
    const res = await post(await issuer.sign(claims));
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/^engine;dur=\d+\.\d+$/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ login: 'ada', status: 'ACTIVE', created: true, groups: ['engineering'], accounts: [{ app: 'github', role: 'developer' }, { app: 'slack' }] });
    const ada = await getIdentityByLogin(db, 'ada');
    expect(ada?.profile).toMatchObject({ email: 'ada@acme.example', firstName: 'Ada', department: 'Engineering', title: 'Engineer' });
    expect(ada?.sources.department).toEqual({ jit: 'Engineering' });
    const outbox = await db.all<{ type: string; app_id: string | null; status: string }>(sql`SELECT type, app_id, status FROM outbox ORDER BY type, app_id`);
    expect(outbox.filter((r) => r.type === 'account.create').map((r) => r.app_id)).toEqual(['github', 'slack']);
    // Deliveries wait for the dispatcher; Roster's own group membership is applied with the run.
    expect(outbox.filter((r) => r.app_id !== null).every((r) => r.status === 'pending')).toBe(true);
    expect(outbox.filter((r) => r.app_id === null)).toEqual([{ type: 'membership.add', app_id: null, status: 'done' }]);
    expect(await db.all(sql`SELECT user_id, group_id, source FROM memberships`)).toEqual([{ user_id: ada?.id, group_id: 'engineering', source: 'rules' }]);
    const [run] = await db.all<{ kind: string; id: string }>(sql`SELECT kind, id FROM runs`);
    expect(run).toMatchObject({ kind: 'jit', id: body.runId });
  });

  it('a second login updates changed claims and queues nothing twice', async () => {
    const before = await counts();
    const res = await post(await issuer.sign({ ...claims, job_title: 'Staff Engineer' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ created: false });
    expect((await getIdentityByLogin(db, 'ada'))?.profile.title).toBe('Staff Engineer');
    expect((await counts()).outbox).toBe(before.outbox);
    expect((await counts()).identities).toBe(1);
  });

  it('refuses a body without an id token with 400', async () => {
    const res = await app.request('/v1/jit', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login}` }, body: '{}' });
    expect(res.status).toBe(400);
  });

  it('still lets an admin token log users in (deployments made before the jit scope use one)', async () => {
    const res = await post(await issuer.sign({ ...claims, sub: 'u-admin-path', preferred_username: 'admin-path', email: 'admin-path@acme.example' }), admin);
    expect(res.status).toBe(200);
  });
});

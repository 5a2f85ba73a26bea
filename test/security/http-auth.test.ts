// Authentication over the whole app, as an attacker and an operator see it: who a refused
// request came from is logged (never the token), the UI's session works behind a TLS proxy yet
// refuses writes from other origins, no response invites another origin (no CORS), and nothing
// the server logs while tokens, sign-ins and JIT logins go by holds a secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import type { LogEvent } from '../../edge/runtime.ts';
import { createRuntime } from '../../edge/runtime.ts';

let db: LibsqlDb;
let app: ReturnType<typeof createApp>;
let admin: { token: string; id: string };
let read: { token: string; id: string };
const logs: LogEvent[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  const runtime = await createRuntime({ db, log: (event) => logs.push(event) });
  const ctx = { at: runtime.now(), actor: 'test' };
  const make = async (scope: 'admin' | 'read') => {
    const { token, info } = await createToken(db, { scope }, ctx);
    secrets.push(token);
    return { token, id: info.id };
  };
  admin = await make('admin');
  read = await make('read');
  app = createApp(runtime);
});
afterAll(() => db.$client.close());

const bearer = (token: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function signIn(token: string): Promise<string> {
  const res = await app.request('http://roster.example/v1/session', json({ token }));
  const cookie = /roster_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`sign-in failed: ${res.status}`);
  secrets.push(cookie);
  return cookie;
}

describe('a refused request', () => {
  it('is logged with the id and scope of the token that tried, not the token', async () => {
    const res = await app.request('/v1/users', bearer(read.token, json({ login: 'eve' })));
    expect(res.status).toBe(403);
    expect(logs.at(-1)).toMatchObject({ msg: 'request', method: 'POST', path: '/v1/users', status: 403, tokenId: read.id, scope: 'read' });
  });
});

describe('the UI session cookie', () => {
  const write = (cookie: string, origin: string) => app.request('http://roster.example/v1/tokens', { ...json({ scope: 'read', name: 'from the UI' }), headers: { 'content-type': 'application/json', cookie: `roster_session=${cookie}`, origin } });

  it('writes from our host over https, as the page behind a TLS proxy is, while the proxy speaks http to us', async () => {
    const cookie = await signIn(admin.token);
    const res = await write(cookie, 'https://roster.example');
    expect(res.status).toBe(201);
    secrets.push(((await res.json()) as { token: string }).token);
  });

  for (const origin of ['https://evil.example', 'http://evil.example', 'https://roster.example.evil.example', 'https://roster.example:8443', 'null']) {
    it(`refuses a write from \`${origin}\` with 403 and makes nothing`, async () => {
      const cookie = await signIn(admin.token);
      const before = await app.request('/v1/tokens', bearer(admin.token));
      const res = await write(cookie, origin);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: { code: 'forbidden', message: `a request from \`${origin}\` may not use the session cookie` } });
      expect(await (await app.request('/v1/tokens', bearer(admin.token))).json()).toEqual(await before.json());
    });
  }
});

describe('other origins', () => {
  it('are never invited: no Access-Control-Allow-Origin on answers or preflights', async () => {
    const from = { origin: 'https://evil.example' };
    const answers = [
      await app.request('/v1/users', bearer(admin.token, { headers: from })),
      await app.request('/v1/users', { method: 'OPTIONS', headers: { ...from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }),
      await app.request('/health', { headers: from }),
    ];
    for (const res of answers) {
      const names: string[] = [];
      res.headers.forEach((_value, name) => names.push(name));
      expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('what the server logs', () => {
  it('holds no token, session or password, whatever went by', async () => {
    await app.request('/v1/users', bearer(admin.token, json({ login: 'pat', email: 'pat@acme.example' })));
    await app.request(`/v1/users?access_token=${admin.token}`);
    await app.request('/v1/users', { headers: { authorization: `Basic ${btoa(`pat:${admin.token}`)}` } });
    await app.request('/v1/session', json({ token: `${admin.token}x` }));
    await app.request('/v1/users', bearer(admin.token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"login":"x","password":"${admin.token}` }));
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(text).not.toContain(secret.slice(-20));
    expect(text).not.toContain('access_token');
  });
});

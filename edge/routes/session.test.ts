// UI sessions through the real app: sign in with a token, use the HttpOnly cookie, sign out.
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createToken, revokeToken } from '../auth/tokens.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { createRuntime } from '../runtime.ts';

const open: LibsqlDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

async function setup() {
  const db = await openLibsql({ url: ':memory:' });
  open.push(db);
  await migrate(db);
  const runtime = await createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => {} });
  const ctx = { at: runtime.now(), actor: 'test' };
  const admin = await createToken(db, { scope: 'admin' }, ctx);
  const read = await createToken(db, { scope: 'read' }, ctx);
  const scim = await createToken(db, { scope: 'scim' }, ctx);
  const app = createApp(runtime);
  const signIn = async (token: string) => {
    const res = await app.request('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const cookie = /roster_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    return { res, cookie, setCookie: res.headers.get('set-cookie') ?? '' };
  };
  const withCookie = (cookie: string, init: RequestInit = {}) => ({ ...init, headers: { ...(init.headers as Record<string, string>), cookie: `roster_session=${cookie}` } });
  return { db, runtime, app, admin, read, scim, signIn, withCookie, ctx };
}

describe('/v1/session', () => {
  it('marks the cookie Secure when the page is https: the request itself, or its origin behind a TLS proxy', async () => {
    const t = await setup();
    const cookieFor = async (url: string, origin?: string) =>
      (await t.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) }, body: JSON.stringify({ token: t.admin.token }) })).headers.get('set-cookie') ?? '';
    expect(await cookieFor('https://roster.example/v1/session')).toMatch(/; Secure/);
    expect(await cookieFor('http://roster.internal:8787/v1/session', 'https://roster.example')).toMatch(/; Secure/);
    expect(await cookieFor('http://127.0.0.1:8787/v1/session', 'http://127.0.0.1:8787')).not.toMatch(/Secure/);
  });

  it('signs in with a token: an HttpOnly SameSite=Strict cookie that the API accepts, never the token itself', async () => {
    const t = await setup();
    const { res, cookie, setCookie } = await t.signIn(t.admin.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ tokenId: t.admin.info.id, scope: 'admin' });
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(t.admin.token);
    const users = await t.app.request('/v1/users', t.withCookie(cookie as string));
    expect(users.status).toBe(200);
    expect((await t.app.request('/v1/session', t.withCookie(cookie as string))).status).toBe(200);
  });

  it('refuses a wrong token (401) and a machine token (403), in words', async () => {
    const t = await setup();
    const wrong = await t.signIn('rst_admin_nope');
    expect(wrong.res.status).toBe(401);
    expect(wrong.cookie).toBeUndefined();
    const scim = await t.signIn(t.scim.token);
    expect(scim.res.status).toBe(403);
    expect((await scim.res.json()).error.message).toBe('a `scim` token cannot sign in to the UI (use an admin or read token)');
  });

  it('keeps a read session read-only, and refuses writes from another origin', async () => {
    const t = await setup();
    const reader = (await t.signIn(t.read.token)).cookie as string;
    const write = await t.app.request('/v1/rule-sets/load', t.withCookie(reader, { method: 'POST' }));
    expect(write.status).toBe(403);
    const admin = (await t.signIn(t.admin.token)).cookie as string;
    const forged = await t.app.request('http://roster.example/v1/rule-sets/load', t.withCookie(admin, { method: 'POST', headers: { origin: 'https://evil.example' } }));
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.message).toContain('`https://evil.example` may not use the session cookie');
  });

  it('ends with sign-out and with the token’s revocation', async () => {
    const t = await setup();
    const first = (await t.signIn(t.admin.token)).cookie as string;
    const out = await t.app.request('/v1/session', t.withCookie(first, { method: 'DELETE' }));
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/roster_session=;/);
    expect((await t.app.request('/v1/users', t.withCookie(first))).status).toBe(401);
    const second = (await t.signIn(t.admin.token)).cookie as string;
    await revokeToken(t.db, t.admin.info.id, t.ctx);
    const after = await t.app.request('/v1/users', t.withCookie(second));
    expect(after.status).toBe(401);
    expect((await after.json()).error.message).toBe('the session has ended: sign in again');
  });
});

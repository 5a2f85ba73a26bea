// `/v1/session`: the admin UI's sign-in. POST a token (admin or read) to get an HttpOnly,
// SameSite=Strict cookie; GET says who the cookie (or bearer token) is; DELETE signs out.
// The path is public to the auth middleware: each handler checks credentials itself.
import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { SESSION_COOKIE, SESSION_TTL_MS, createSession, deleteSession, resolveSession } from '../auth/sessions.ts';
import { verifyToken } from '../auth/tokens.ts';
import type { TokenInfo } from '../auth/tokens.ts';
import type { AppEnv } from '../http/env.ts';
import { writeContext } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { errorResponses, json, jsonBody } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

/** Scopes that may use the admin UI; scim and agent tokens are for machines. */
const UI_SCOPES = new Set(['admin', 'read']);

const SessionSchema = z
  .object({ tokenId: z.string(), name: z.string(), scope: z.string(), expiresAt: z.string().optional() })
  .openapi('Session');
const SignIn = z.strictObject({ token: z.string().min(1).max(200) }).openapi('SignIn');
const tags = ['session'];

const signIn = createRoute({
  method: 'post', path: '/', tags, security: [], summary: 'sign in to the UI with a token; sets the `roster_session` cookie',
  request: { body: jsonBody(SignIn) },
  responses: { 200: json(SessionSchema, 'signed in'), ...errorResponses(400, 401, 403) },
});
const whoAmI = createRoute({
  method: 'get', path: '/', tags, summary: 'the signed-in session (cookie) or bearer token',
  responses: { 200: json(SessionSchema), ...errorResponses(401) },
});
const signOut = createRoute({
  method: 'delete', path: '/', tags, security: [], summary: 'sign out: forget the session (if any) and clear the cookie; needs no token',
  responses: { 204: { description: 'signed out' } },
});

const body = (info: TokenInfo, expiresAt?: string) => ({ tokenId: info.id, name: info.name, scope: info.scope, ...(expiresAt ? { expiresAt } : {}) });
// Secure when the page is https: the request's own URL, or, behind a TLS proxy (the Node server
// speaks plain http), the page's origin.
const secure = (c: Context) => new URL(c.req.url).protocol === 'https:' || (c.req.header('origin') ?? '').startsWith('https://');

export function sessionRoutes(runtime: Runtime) {
  const app = newRouter();

  app.openapi(signIn, async (c) => {
    const verified = await verifyToken(runtime.db, c.req.valid('json').token, runtime.now());
    if (!verified.ok) throw new ApiError(401, 'unauthorized', verified.code === 'revoked' ? 'the token was revoked' : 'the token is not valid');
    if (!UI_SCOPES.has(verified.value.scope)) throw new ApiError(403, 'forbidden', `a \`${verified.value.scope}\` token cannot sign in to the UI (use an admin or read token)`);
    const session = await createSession(runtime.db, verified.value, writeContext(runtime, verified.value));
    setCookie(c, SESSION_COOKIE, session.secret, { httpOnly: true, sameSite: 'Strict', path: '/', secure: secure(c), maxAge: Math.floor(SESSION_TTL_MS / 1000) });
    return c.json(body(verified.value, session.expiresAt), 200);
  });

  app.openapi(whoAmI, async (c) => {
    const info = await currentCaller(runtime, c);
    if (!info) throw new ApiError(401, 'unauthorized', 'not signed in');
    return c.json(body(info, 'expiresAt' in info ? (info.expiresAt as string) : undefined), 200);
  });

  app.openapi(signOut, async (c) => {
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret) await deleteSession(runtime.db, secret, { at: runtime.now(), actor: 'session' });
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
    return c.body(null, 204);
  });
  return app;
}

async function currentCaller(runtime: Runtime, c: Context<AppEnv>): Promise<TokenInfo | undefined> {
  const secret = getCookie(c, SESSION_COOKIE);
  if (secret) return resolveSession(runtime.db, secret, runtime.now());
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!match) return undefined;
  const verified = await verifyToken(runtime.db, match[1] as string, runtime.now());
  return verified.ok ? verified.value : undefined;
}

// Bearer-token authentication and scope checks for every route but the public ones. Scopes:
// `admin` may do everything; `read` may GET under /v1 but not /v1/tokens; `scim` only /scim/v2;
// `agent` only /v1/agent; `jit` only `POST /v1/jit` (the login front end, which should not hold
// an admin token). The presented token is never logged or echoed: only its id after
// verification.
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE, resolveSession } from '../auth/sessions.ts';
import { verifyToken } from '../auth/tokens.ts';
import type { TokenScope } from '../auth/tokens.ts';
import type { Runtime } from '../runtime.ts';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

/** Paths served without a token: health, the API description and its page, the UI's files. */
// `/` redirects to the UI; `/v1/session` checks the token or cookie itself (sign-in needs neither yet).
export const PUBLIC_PATHS: readonly (string | RegExp)[] = ['/', '/health', '/openapi.json', '/docs', /^\/docs\/assets\//, '/v1/session', /^\/ui(\/|$)/];

const READ_METHODS = new Set(['GET', 'HEAD']);

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.some((p) => (typeof p === 'string' ? p === path : p.test(path)));
}

/** The scopes that may call `method path`. */
export function allowedScopes(method: string, path: string): TokenScope[] {
  if (path === '/scim/v2' || path.startsWith('/scim/v2/')) return ['admin', 'scim'];
  if (path === '/v1/agent' || path.startsWith('/v1/agent/')) return ['admin', 'agent'];
  if (path === '/v1/jit' && method.toUpperCase() === 'POST') return ['admin', 'jit'];
  // Which tokens exist and who used them when is for admins: a read token is for dashboards.
  if (path === '/v1/tokens' || path.startsWith('/v1/tokens/')) return ['admin'];
  if (path.startsWith('/v1/') && READ_METHODS.has(method.toUpperCase())) return ['admin', 'read'];
  return ['admin'];
}

const CHALLENGE = 'Bearer realm="roster"';

export function authenticate(runtime: Runtime): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (isPublicPath(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const cookie = header === '' ? getCookie(c, SESSION_COOKIE) : undefined;
    if (cookie !== undefined) return sessionAuth(runtime, c, cookie, next);
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'a bearer token is required', undefined, { 'WWW-Authenticate': CHALLENGE });
    const verified = await verifyToken(runtime.db, match[1] as string, runtime.now());
    if (!verified.ok) {
      const message = verified.code === 'revoked' ? 'the token was revoked' : 'the token is not valid';
      throw new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` });
    }
    // Known before the scope check, so a refused attempt's log line names the token that made it.
    c.set('auth', verified.value);
    checkScope(c.req.method, c.req.path, verified.value.scope);
    return next();
  };
}

/**
 * The UI's session cookie (edge/routes/session.ts). The cookie is SameSite=Strict; a write
 * must also come from our own origin, so another site cannot ride on a signed-in browser.
 */
const sessionAuth = async (runtime: Runtime, c: Parameters<MiddlewareHandler<AppEnv>>[0], cookie: string, next: () => Promise<void>) => {
  const session = await resolveSession(runtime.db, cookie, runtime.now());
  if (!session) throw new ApiError(401, 'unauthorized', 'the session has ended: sign in again');
  const origin = c.req.header('origin');
  if (!READ_METHODS.has(c.req.method.toUpperCase()) && origin !== undefined && !isOwnOrigin(origin, new URL(c.req.url))) {
    throw new ApiError(403, 'forbidden', `a request from \`${origin}\` may not use the session cookie`);
  }
  const { expiresAt: _expiresAt, ...token } = session;
  c.set('auth', token);
  checkScope(c.req.method, c.req.path, token.scope);
  await next();
};

/**
 * Our origin, or our host over https: behind a TLS proxy (the Node server speaks plain http)
 * the request reaches us as http while the page's origin is https. Only the holder of the
 * host's certificate serves that origin, so it is still us.
 */
function isOwnOrigin(origin: string, url: URL): boolean {
  if (origin === url.origin) return true;
  const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
  return parsed?.protocol === 'https:' && parsed.host === url.host;
}

function checkScope(method: string, path: string, scope: TokenScope): void {
  const scopes = allowedScopes(method, path);
  if (!scopes.includes(scope)) {
    throw new ApiError(403, 'forbidden', `a \`${scope}\` token may not ${method} \`${path}\` (needs ${scopes.map((s) => `\`${s}\``).join(' or ')})`, undefined, {
      'WWW-Authenticate': `${CHALLENGE}, error="insufficient_scope", scope="${scopes.join(' ')}"`,
    });
  }
}

// `/scim/v2`: Roster as a SCIM 2.0 service provider (RFC 7643/7644), for IdPs and HR systems
// that push users and groups. Authentication is the app's (a `scim` or `admin` token); a
// token bound to a source (tokens.sourceId) sees and changes only that source's resources
// (edge/scim/service/context.ts). Everything else is edge/scim.
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { writeContext } from '../http/env.ts';
import { SCIM_PREFIX, readScimBody, scimErrorResponse, scimJson } from '../scim/http.ts';
import { bulk } from '../scim/service/bulk.ts';
import type { ScimContext } from '../scim/service/context.ts';
import { callerOf } from '../scim/service/context.ts';
import { dispatch } from '../scim/service/dispatch.ts';
import type { Runtime } from '../runtime.ts';

/** The app-wide body limit stays out of the way: /scim/v2 enforces maxPayloadSize itself, with a SCIM 413. */
export const SCIM_BODY_LIMIT = Number.MAX_SAFE_INTEGER;

export function scimRoutes(runtime: Runtime): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const log = (message: string) => runtime.log({ level: 'error', msg: 'scim: unhandled error', error: message });
  app.onError((err) => scimErrorResponse(err, log));
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(url.pathname.indexOf(SCIM_PREFIX) + SCIM_PREFIX.length) || '/';
    const method = c.req.method.toUpperCase();
    const { body, size } = method === 'GET' || method === 'DELETE' || method === 'HEAD' ? { body: undefined, size: 0 } : await readScimBody(c);
    const sc: ScimContext = {
      db: runtime.db,
      base: `${url.origin}${SCIM_PREFIX}`,
      caller: callerOf(c.get('auth')),
      write: writeContext(runtime, c.get('auth')),
      newId: () => runtime.newId(),
      passwords: runtime,
    };
    const query: Record<string, string | undefined> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const response =
      path === '/Bulk' && method === 'POST'
        ? await bulk(sc, body, size)
        : await dispatch(sc, { method, path, query, body, ifMatch: c.req.header('if-match'), ifNoneMatch: c.req.header('if-none-match') });
    return scimJson(response.body, response.status, response.headers);
  });
  return app;
}

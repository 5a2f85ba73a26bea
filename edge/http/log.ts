// One log line per request: method, path, status, duration, and the token's id (never the
// token, never the query string or body, which may carry secrets).
import type { MiddlewareHandler } from 'hono';
import type { Runtime } from '../runtime.ts';
import type { AppEnv } from './env.ts';

export function requestLog(runtime: Runtime): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('runtime', runtime);
    await next();
    const auth = c.get('auth') as AppEnv['Variables']['auth'] | undefined;
    runtime.log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(auth ? { tokenId: auth.id, scope: auth.scope } : {}),
    });
  };
}

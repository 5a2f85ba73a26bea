// Request bodies are capped (1 MiB unless a route module asks for more, like bulk imports):
// a larger body is refused with 413 before it is read.
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './env.ts';
import { errorBody } from './errors.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** The limit of the longest matching prefix, else the default. */
export function bodyLimits(limits: readonly { path: string; maxSize: number }[], fallback = DEFAULT_BODY_LIMIT): MiddlewareHandler<AppEnv> {
  const sized = [...limits].sort((a, b) => b.path.length - a.path.length);
  const cache = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number): MiddlewareHandler => {
    let m = cache.get(maxSize);
    if (!m) {
      m = bodyLimit({ maxSize, onError: (c) => c.json(errorBody('payload_too_large', `the request body is over the limit of ${maxSize} bytes`, { maxSize }), 413) });
      cache.set(maxSize, m);
    }
    return m;
  };
  return (c, next) => {
    const path = c.req.path;
    const hit = sized.find((l) => path === l.path || path.startsWith(l.path.endsWith('/') ? l.path : `${l.path}/`));
    return limiter(hit?.maxSize ?? fallback)(c, next);
  };
}

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
  const tooLarge = (maxSize: number) => errorBody('payload_too_large', `the request body is over the limit of ${maxSize} bytes`, { maxSize });
  const limiter = (maxSize: number): MiddlewareHandler => {
    let m = cache.get(maxSize);
    if (!m) {
      m = bodyLimit({ maxSize, onError: (c) => c.json(tooLarge(maxSize), 413) });
      cache.set(maxSize, m);
    }
    return m;
  };
  return (c, next) => {
    const path = c.req.path;
    const hit = sized.find((l) => path === l.path || path.startsWith(l.path.endsWith('/') ? l.path : `${l.path}/`));
    const maxSize = hit?.maxSize ?? fallback;
    // A declared length is checked from the headers alone, as hono's bodyLimit would check it,
    // without touching the request's body stream: on Node, reading `body` turns the server's
    // light request into a full one (stream, abort signal), garbage every request paid for.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) return parseInt(length || '0', 10) > maxSize ? Promise.resolve(c.json(tooLarge(maxSize), 413)) : next();
    return limiter(maxSize)(c, next);
  };
}

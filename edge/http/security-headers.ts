// Security headers on every response, from hono's secureHeaders: no MIME sniffing, no framing,
// no referrer, a browsing context of our own (COOP), and one Content-Security-Policy that the
// admin UI (its page and its simulator's Web Worker, both served from /ui/) and the API page
// satisfy as they are: everything from this origin, nothing inline, no eval. secureHeaders'
// other defaults stay (Cross-Origin-Resource-Policy: same-origin, X-XSS-Protection: 0, …).
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env.ts';

export interface SecurityHeadersOptions {
  /** Where the API page (`/docs`) loads Swagger UI from; another origin is admitted on that page only. */
  docsAssets?: string;
}

type Csp = NonNullable<NonNullable<Parameters<typeof secureHeaders>[0]>['contentSecurityPolicy']>;

export const PAGE_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // The simulator's worker is a file under /ui/assets/, not a blob.
  workerSrc: ["'self'"],
  // Svelte sets dynamic styles through CSSOM (`el.style.cssText`), which CSP does not govern, and
  // Swagger UI needs no inline style either: no 'unsafe-inline'.
  styleSrc: ["'self'"],
  // The UI's favicon and Swagger UI's icons are data: URIs.
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} satisfies Csp;

const COMMON = {
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
} as const;

/** The headers of hono's secureHeaders, HSTS over https only, and no-store on API data. */
export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler<AppEnv> {
  // HSTS only over https: on plain http a browser ignores it, and it would pin a host such as
  // 127.0.0.1 to https for every other server run there. Behind a TLS proxy, the proxy sends it.
  const variants = (csp: Csp) => [false, true].map((https) => secureHeaders({ ...COMMON, strictTransportSecurity: https, contentSecurityPolicy: csp }));
  const pages = variants(PAGE_CSP);
  const docs = variants(docsCsp(options.docsAssets));
  return async (c, next) => {
    const https = new URL(c.req.url).protocol === 'https:' ? 1 : 0;
    await (c.req.path === '/docs' ? docs : pages)[https]!(c, next);
    // API data is per caller and often personal: no browser or proxy keeps a copy. ETags still
    // serve If-Match (and SCIM's If-None-Match), which ask the server, not a cache.
    if (isApiPath(c.req.path) && !c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
  };
}

const isApiPath = (path: string) => path.startsWith('/v1/') || path === '/scim/v2' || path.startsWith('/scim/v2/');

/** The page policy, admitting the origin Swagger UI's script and stylesheet come from when it is not ours. */
function docsCsp(assets: string | undefined): Csp {
  const origin = assets !== undefined && /^https?:\/\//.test(assets) ? new URL(assets).origin : undefined;
  if (origin === undefined) return PAGE_CSP;
  return { ...PAGE_CSP, scriptSrc: [...PAGE_CSP.scriptSrc, origin], styleSrc: [...PAGE_CSP.styleSrc, origin] };
}

// The admin UI on Workers: the same build as Node serves (ui/dist), uploaded as the Worker's
// static assets (wrangler.toml `[assets]`, binding ASSETS) and served through the app under
// `/ui/`, so its pages carry the app's security headers (the Content-Security-Policy above all).
// Hashed files under /ui/assets/ are cached for good; any other `/ui/...` path is the SPA. The
// build also holds Swagger UI's two files (ui/vite.config.ts), which the API page loads from here.
import type { Hono } from 'hono';
import { DOCS_ASSETS, SWAGGER_FILES } from '../openapi/docs-page.ts';

/** The static-assets binding: a fetch over the files of ui/dist, by path from its root. */
export interface AssetsBinding {
  fetch(input: Request | string | URL): Promise<Response>;
}

/**
 * Adds `/`, the UI routes and the API page's Swagger UI files to `app`; without the binding,
 * `/ui/` says what is missing. Give the app `docsAssets: DOCS_ASSETS` only with the binding.
 */
export function serveUiAssets<E extends object>(app: Hono<E & { Variables?: object }>, assets: AssetsBinding | undefined): void {
  app.get('/', (c) => c.redirect('/ui/', 302));
  app.get('/ui', (c) => c.redirect('/ui/', 301));
  app.get('/ui/*', async (c) => {
    if (!assets) return c.text('the admin UI is not deployed with this Worker: wrangler.toml needs its [assets] (ui/dist, binding ASSETS)', 503);
    const url = new URL(c.req.url);
    const file = url.pathname.slice('/ui'.length);
    // wrangler.toml sets html_handling = "none", so /index.html is the file itself, not a redirect.
    const asset = file.startsWith('/assets/');
    const found = await assets.fetch(new URL(asset ? file : '/index.html', url.origin));
    // A copy: the binding's headers are immutable, and the app's middleware adds its own.
    const response = new Response(found.body, found);
    if (asset && found.status === 200) response.headers.set('cache-control', 'public, max-age=31536000, immutable');
    if (!asset) response.headers.set('cache-control', 'no-cache');
    return response;
  });
  app.get(`${DOCS_ASSETS}/swagger-ui-dist/:file`, async (c) => {
    const name = c.req.param('file');
    if (!assets || !SWAGGER_FILES.has(name)) return c.notFound();
    const found = await assets.fetch(new URL(`/swagger-ui-dist/${name}`, c.req.url));
    const response = new Response(found.body, found);
    if (found.status === 200) response.headers.set('cache-control', 'public, max-age=86400');
    return response;
  });
}

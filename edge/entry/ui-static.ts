// The built admin UI (ui/dist, `npm run build:ui`) served on Node under `/ui/`, with `/`
// redirecting there. Hashed assets are cached for good; any other `/ui/...` path is the SPA.
// Also Swagger UI's two files for the API page (`/docs`), from the `swagger-ui-dist` package.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import { DOCS_ASSETS, SWAGGER_FILES } from '../openapi/docs-page.ts';

export const UI_DIST = resolve(import.meta.dirname, '../../ui/dist');

/** Adds the UI routes to `app`; without a build, `/ui/` says how to make one. */
export function serveUi<E extends object>(app: Hono<E & { Variables?: object }>, dist = UI_DIST): void {
  const root = relative(process.cwd(), dist) || '.';
  const built = existsSync(resolve(dist, 'index.html'));
  app.get('/', (c) => c.redirect('/ui/', 302));
  if (!built) {
    app.get('/ui/*', (c) => c.text('the admin UI is not built: run `npm run build:ui`', 503));
    return;
  }
  app.use('/ui/assets/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  const strip = (path: string) => path.replace(/^\/ui/, '') || '/';
  app.use('/ui/*', serveStatic({ root, rewriteRequestPath: strip }));
  // Every other UI path is a screen of the single-page app.
  app.get('/ui/*', serveStatic({ root, path: 'index.html' }));
  app.get('/ui', (c) => c.redirect('/ui/', 301));
}

/** The base URL `createApp` gives the API page for its Swagger UI files (`docsAssets`). */
export { DOCS_ASSETS };

/** Serves the Swagger UI files the API page asks for at `DOCS_ASSETS` (no CDN needed). */
export function serveDocsAssets<E extends object>(app: Hono<E & { Variables?: object }>): void {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = new Map<string, Promise<Buffer>>();
  app.get(`${DOCS_ASSETS}/swagger-ui-dist/:file`, async (c) => {
    const name = c.req.param('file');
    const type = SWAGGER_FILES.get(name);
    if (type === undefined) return c.notFound();
    let file = files.get(name);
    if (!file) files.set(name, (file = readFile(join(dist, name))));
    return c.body(new Uint8Array(await file), 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
  });
}

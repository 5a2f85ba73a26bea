// The built admin UI (ui/dist, `npm run build:ui`) served on Node under `/ui/`, with `/`
// redirecting there. Hashed assets are cached for good; any other `/ui/...` path is the SPA.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

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

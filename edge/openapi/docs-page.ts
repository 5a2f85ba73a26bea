// The API page (`/docs`): Swagger UI over /openapi.json. Its start-up script is a file of its
// own, not inline as @hono/swagger-ui writes it, so the page runs under `script-src 'self'`.
import { swaggerUI } from '@hono/swagger-ui';
import type { Hono } from 'hono';

/** Where the page loads Swagger UI from when its server has no copy of its own to serve. */
export const SWAGGER_CDN = 'https://cdn.jsdelivr.net/npm';

/**
 * Where a server that has Swagger UI's files serves them (`<DOCS_ASSETS>/swagger-ui-dist/<file>`,
 * without a token): Node from the swagger-ui-dist package, Workers from its static assets.
 */
export const DOCS_ASSETS = '/docs/assets';

/** The files of swagger-ui-dist the page asks for, with their types. */
export const SWAGGER_FILES: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

// Under /docs/assets/, served without a token like Swagger UI's own files on Node.
export const DOCS_INIT = '/docs/assets/init.js';
const DOCUMENT = '/openapi.json';

// `validatorUrl: 'none'`: on any host but localhost, Swagger UI would otherwise show a badge
// fetched from validator.swagger.io, handing it the document's address.
const INIT = `window.ui = SwaggerUIBundle({ dom_id: '#swagger-ui', url: '${DOCUMENT}', validatorUrl: 'none' });\n`;

/** Adds `/docs` and its script to `app`; `assets` is where Swagger UI's own files are. */
export function serveDocsPage<E extends object>(app: Hono<E>, title: string, assets: string): void {
  app.get(
    '/docs',
    swaggerUI({
      title,
      // Read by the inline script this page does without; the same document as INIT's.
      url: DOCUMENT,
      baseUrl: assets,
      manuallySwaggerUIHtml: ({ css, js }) =>
        [
          '<div id="swagger-ui"></div>',
          ...css.map((href) => `<link rel="stylesheet" href="${href}" />`),
          ...js.map((src) => `<script src="${src}" crossorigin="anonymous"></script>`),
          `<script src="${DOCS_INIT}"></script>`,
        ].join('\n'),
    }),
  );
  app.get(DOCS_INIT, (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }));
}

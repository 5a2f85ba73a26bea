// The one Hono app: middleware (log, security headers, auth, body limits), the route modules
// from edge/routes/index.ts, the OpenAPI document and its page. Entries only build a Runtime.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { authenticate } from './http/auth.ts';
import { bodyLimits } from './http/body-limit.ts';
import type { AppEnv } from './http/env.ts';
import { notFoundHandler, onError } from './http/errors.ts';
import { requestLog } from './http/log.ts';
import { newRouter } from './http/router.ts';
import { securityHeaders } from './http/security-headers.ts';
import { SWAGGER_CDN, serveDocsPage } from './openapi/docs-page.ts';
import { routeModules } from './routes/index.ts';
import type { RouteModule } from './routes/index.ts';
import type { Runtime } from './runtime.ts';

export const API_INFO = { title: 'Roster admin API', version: '0.1.0', description: 'Provisioning policy engine: identities, rules, runs, outbox, reports and audit.' };

export interface AppOptions {
  /**
   * Where the API page loads Swagger UI from: `/docs/assets` on Node, which serves the
   * `swagger-ui-dist` package itself (edge/entry/ui-static.ts), so the page works offline.
   * Unset (Workers), the page loads it from the jsDelivr CDN.
   */
  docsAssets?: string;
}

export function createApp(runtime: Runtime, modules: readonly RouteModule[] = routeModules, options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const docsAssets = options.docsAssets ?? SWAGGER_CDN;
  const app = newRouter();
  app.onError(onError(runtime));
  app.notFound(notFoundHandler);
  app.use('*', requestLog(runtime));
  // Before authentication, so a refusal carries the headers too.
  app.use('*', securityHeaders({ docsAssets }));
  app.use('*', authenticate(runtime));
  app.use('*', bodyLimits(modules.filter((m) => m.bodyLimit !== undefined).map((m) => ({ path: m.path, maxSize: m.bodyLimit as number }))));
  for (const module of modules) app.route(module.path, module.routes(runtime));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'a Roster token (`roster token create --scope admin`, or `POST /v1/tokens` with an admin token)' });
  app.doc31('/openapi.json', { openapi: '3.1.0', info: API_INFO, security: [{ bearer: [] }] });
  // The page and the document are public: they describe the API, never its data.
  serveDocsPage(app, API_INFO.title, docsAssets);
  return app;
}

// Cloudflare Workers entry: the same app as `npm start`, over the Runtime built from the env
// (edge/entry/workers-runtime.ts). `fetch` serves the API and hands the actions a request
// queued to the dispatch queue; `queue` consumes dispatch and reconcile messages; `scheduled`
// (the cron in wrangler.toml) sweeps the outbox and shards a reconciliation onto the queues.
import { createApp } from '../app.ts';
import { DOCS_ASSETS } from '../openapi/docs-page.ts';
import type { QueueBatch } from '../queues/bindings.ts';
import { consumeBatch } from '../queues/consumer.ts';
import { dispatchQueuedSince, scheduledRun } from '../queues/scheduled.ts';
import type { Runtime } from '../runtime.ts';
import { serveUiAssets } from './ui-assets.ts';
import type { WorkersEnv } from './workers-runtime.ts';
import { shardSize, workersRuntime } from './workers-runtime.ts';

const apps = new WeakMap<Runtime, ReturnType<typeof createApp>>();
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const UNAVAILABLE_HEADERS = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'strict-transport-security': 'max-age=15552000; includeSubDomains' };

export default {
  async fetch(request: Request, env: WorkersEnv, ctx?: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    let runtime: Runtime;
    try {
      runtime = await workersRuntime(env);
    } catch (error) {
      // A Worker that cannot start (a missing secret, an unreachable database) says why, with
      // the headers the app would have set on an error (there is no app to set them).
      return Response.json({ error: { code: 'unavailable', message: error instanceof Error ? error.message : String(error) } }, { status: 503, headers: UNAVAILABLE_HEADERS });
    }
    let app = apps.get(runtime);
    if (!app) {
      // With the UI's static assets bound, the API page loads Swagger UI from them, not a CDN.
      apps.set(runtime, (app = createApp(runtime, undefined, env.ASSETS ? { docsAssets: DOCS_ASSETS } : {})));
      serveUiAssets(app, env.ASSETS);
    }
    const started = runtime.now();
    const response = await app.fetch(request);
    if (!READS.has(request.method) && response.ok) ctx?.waitUntil(dispatchQueuedSince(runtime, started));
    return response;
  },
  async queue(batch: QueueBatch, env: WorkersEnv): Promise<void> {
    await consumeBatch(await workersRuntime(env), batch);
  },
  async scheduled(controller: { scheduledTime: number }, env: WorkersEnv): Promise<void> {
    const size = shardSize(env);
    await scheduledRun(await workersRuntime(env), controller.scheduledTime, size === undefined ? {} : { shardSize: size });
  },
};

// Cloudflare Workers entry: the same app as `npm start`, over the Runtime built from the env
// (edge/entry/workers-runtime.ts). `fetch` serves the API, `queue` consumes dispatch and
// reconcile messages, `scheduled` (the cron in wrangler.toml) sweeps the outbox and shards
// a reconciliation onto the queues.
import { createApp } from '../app.ts';
import type { QueueBatch } from '../queues/bindings.ts';
import { consumeBatch } from '../queues/consumer.ts';
import { scheduledRun } from '../queues/scheduled.ts';
import type { Runtime } from '../runtime.ts';
import type { WorkersEnv } from './workers-runtime.ts';
import { shardSize, workersRuntime } from './workers-runtime.ts';

const apps = new WeakMap<Runtime, ReturnType<typeof createApp>>();

export default {
  async fetch(request: Request, env: WorkersEnv): Promise<Response> {
    let runtime: Runtime;
    try {
      runtime = await workersRuntime(env);
    } catch (error) {
      // A Worker that cannot start (a missing secret, an unreachable database) says why.
      const message = error instanceof Error ? error.message : String(error);
      return Response.json({ error: { code: 'unavailable', message } }, { status: 503 });
    }
    let app = apps.get(runtime);
    if (!app) apps.set(runtime, (app = createApp(runtime)));
    return app.fetch(request);
  },
  async queue(batch: QueueBatch, env: WorkersEnv): Promise<void> {
    await consumeBatch(await workersRuntime(env), batch);
  },
  async scheduled(controller: { scheduledTime: number }, env: WorkersEnv): Promise<void> {
    const size = shardSize(env);
    await scheduledRun(await workersRuntime(env), controller.scheduledTime, size === undefined ? {} : { shardSize: size });
  },
};

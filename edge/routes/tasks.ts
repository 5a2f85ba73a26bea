// `/v1/tasks`: manual work for apps without an API (the email connector's tasks). List them
// by status and app; mark one done once a person has done it in the app.
import { createRoute, z } from '@hono/zod-openapi';
import { confirmManualTask } from '../connectors/manual/confirm.ts';
import { listManualTasks } from '../db/repos/manual-tasks.ts';
import { MANUAL_TASK_STATUSES } from '../db/schema.ts';
import { writeContext } from '../http/env.ts';
import { unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const TaskSchema = z
  .object({ id: z.string(), actionId: z.string(), appId: z.string(), userId: z.string().nullable(), description: z.string(), owners: z.array(z.string()), status: z.string(), createdAt: z.string(), doneAt: z.string().nullable(), doneBy: z.string().nullable() })
  .openapi('ManualTask');
const tags = ['tasks'];
const security = [{ bearer: [] }];

const list = createRoute({
  method: 'get', path: '/', tags, security, summary: 'manual tasks, oldest first',
  request: { query: z.object({ status: z.enum(MANUAL_TASK_STATUSES).optional(), appId: z.string().optional() }) },
  responses: { 200: json(z.object({ items: z.array(TaskSchema) })), ...errorResponses(400) },
});
const done = createRoute({
  method: 'post', path: '/{id}/done', tags, security, summary: 'mark a manual task done (records the account change it stood for)',
  request: { params: IdParam },
  responses: { 200: json(TaskSchema), ...errorResponses(404, 409) },
});

export function taskRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(list, async (c) => c.json({ items: await listManualTasks(runtime.db, c.req.valid('query')) }, 200));
  app.openapi(done, async (c) => c.json(unwrap(await confirmManualTask(runtime.db, c.req.valid('param').id, writeContext(runtime, c.get('auth')))), 200));
  return app;
}

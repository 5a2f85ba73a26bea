// `POST /v1/users/{id}/provision`: provision on demand. The user is planned now and what waits
// for them is delivered in the request; the answer lists each action, why it was planned, and
// for what is not done, why it still waits (edge/services/provision-now.ts).
import { createRoute, z } from '@hono/zod-openapi';
import { writeContext } from '../http/env.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, RunRefSchema, UserSchema, errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { outboxBody } from '../services/outbox-query.ts';
import { provisionNow } from '../services/provision-now.ts';
import { runRef } from './runs.ts';
import { userBody } from './users.ts';

const ProvisionedAction = z
  .object({
    id: z.string(),
    type: z.string(),
    appId: z.string().nullable(),
    groupId: z.string().nullable(),
    status: z.string(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    why: z.string().openapi({ description: 'why the rules planned it' }),
    waiting: z.string().optional().openapi({ description: 'why it is not done yet (absent once done or cancelled)' }),
  })
  .passthrough()
  .openapi('ProvisionedAction');

const Provisioned = z
  .object({
    user: UserSchema,
    run: RunRefSchema,
    actions: z.array(ProvisionedAction),
  })
  .openapi('Provisioned');

const route = createRoute({
  method: 'post',
  path: '/{id}/provision',
  tags: ['users'],
  security: [{ bearer: [] }],
  summary: 'provision one user now: plan them and deliver what waits for them, answering with each action\'s outcome',
  request: { params: IdParam },
  responses: { 200: json(Provisioned), ...errorResponses(404, 409) },
});

export function provisionRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { user, run, actions } = await provisionNow(runtime, c.req.valid('param').id, writeContext(runtime, c.get('auth')));
    return c.json(
      {
        user: userBody(user),
        run: runRef(run),
        actions: actions.map(({ row, waiting }) => ({ ...outboxBody(row), why: row.payload.reason.summary, ...(waiting === undefined ? {} : { waiting }) })),
      },
      200,
    );
  });
  return app;
}

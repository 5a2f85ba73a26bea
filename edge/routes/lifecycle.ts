// `POST /v1/users/{id}/lifecycle/{operation}`: the status changes and the engine decides what
// happens in every app; the answer lists those actions.
import { createRoute, z } from '@hono/zod-openapi';
import { writeContext } from '../http/env.ts';
import { newRouter } from '../http/router.ts';
import { ActionSchema, IdParam, RunRefSchema, UserSchema, errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { LIFECYCLE_OPERATION_NAMES, applyLifecycle } from '../services/lifecycle.ts';
import { runRef } from './runs.ts';
import { userBody } from './users.ts';

const LifecycleResponse = z
  .object({
    user: UserSchema.nullable().openapi({ description: 'null after delete; unchanged while its run is held (approving the run changes the status, or deletes the user)' }),
    run: RunRefSchema.nullable().openapi({ description: 'null when no rule set is active' }),
    actions: z.array(ActionSchema),
    applied: z.boolean().openapi({ description: 'false while the run is held: the change, a delete too, waits for its approval; rejecting the run drops it' }),
  })
  .openapi('LifecycleResult');

const route = createRoute({
  method: 'post',
  path: '/{id}/lifecycle/{operation}',
  tags: ['users'],
  security: [{ bearer: [] }],
  summary: 'activate, suspend, unsuspend, deactivate, reactivate or delete a user',
  request: { params: IdParam.extend({ operation: z.enum(LIFECYCLE_OPERATION_NAMES) }) },
  responses: { 200: json(LifecycleResponse), ...errorResponses(400, 404, 409) },
});

export function lifecycleRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { id, operation } = c.req.valid('param');
    const result = await applyLifecycle(runtime, id, operation, writeContext(runtime, c.get('auth')));
    const run = result.run ? runRef(result.run) : null;
    return c.json({ user: result.user ? userBody(result.user) : null, run, actions: result.actions, applied: result.applied }, 200);
  });
  return app;
}

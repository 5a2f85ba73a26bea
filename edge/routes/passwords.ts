// `POST /v1/users/{id}/password` (admin reset) and `POST /v1/users/{id}/password/change` (the
// user's own change, proving the current one). Neither echoes a password, hash or sealed value.
import { createRoute, z } from '@hono/zod-openapi';
import { writeContext } from '../http/env.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, UserSchema, errorResponses, json, jsonBody } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { setPassword } from '../services/password-change.ts';
import type { PasswordResult } from '../services/password-change.ts';
import { userBody } from './users.ts';

const Password = z.string().min(1).max(1024);
const ResetBody = z.strictObject({ password: Password }).openapi('PasswordReset');
const ChangeBody = z.strictObject({ current: Password, new: Password }).openapi('PasswordChange');
const PasswordResponse = z
  .object({
    user: UserSchema,
    policy: z.string().nullable().openapi({ description: 'the policy applied (null: the built-in default)' }),
    runId: z.string().nullable(),
    synced: z.array(z.object({ actionId: z.string(), appId: z.string() })).openapi({ description: 'apps receiving a sealed password.set' }),
  })
  .openapi('PasswordResult');

const common = { tags: ['passwords'], security: [{ bearer: [] }], responses: { 200: json(PasswordResponse), ...errorResponses(400, 404, 409, 422) } };
const reset = createRoute({ ...common, method: 'post', path: '/{id}/password', summary: "an admin sets a user's password", request: { params: IdParam, body: jsonBody(ResetBody) } });
const change = createRoute({ ...common, method: 'post', path: '/{id}/password/change', summary: 'a user changes their own password', request: { params: IdParam, body: jsonBody(ChangeBody) } });

function body(result: PasswordResult) {
  return { user: userBody(result.user), policy: result.policy, runId: result.run?.id ?? null, synced: result.actions.map((a) => ({ actionId: a.id, appId: a.appId ?? '' })) };
}

export function passwordRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(reset, async (c) => {
    const result = await setPassword(runtime, c.req.valid('param').id, { password: c.req.valid('json').password, mode: 'reset' }, writeContext(runtime, c.get('auth')));
    return c.json(body(result), 200);
  });
  app.openapi(change, async (c) => {
    const input = c.req.valid('json');
    const result = await setPassword(runtime, c.req.valid('param').id, { password: input.new, current: input.current, mode: 'change' }, writeContext(runtime, c.get('auth')));
    return c.json(body(result), 200);
  });
  return app;
}

// `POST /v1/jit`: the login front end hands over a user's OIDC ID token; Roster verifies it,
// creates or updates the identity, plans its accounts and answers with its entitlements.
// The caller authenticates with a `jit` token (this call only) or an `admin` one (edge/http/auth.ts).
// `/v1/jit/bindings/{userId}` shows (read) or removes (admin) the IdP account an identity is
// bound to (edge/jit/bindings.ts), so an admin can move it to another account.
// `Server-Timing: engine;dur=…` reports the time spent in evaluate + plan.
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { withoutUnions } from '../../engine/compile/issues.ts';
import { jitIssuerSchema } from '../../engine/rules/jit-settings.ts';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';
import type { AppEnv } from '../http/env.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { problemOf } from '../http/issues.ts';
import { newRouter } from '../http/router.ts';
import { bindingOf, unbind } from '../jit/bindings.ts';
import { jitLogin } from '../jit/login.ts';
import { IdParam, errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const JitRequest = z.object({ id_token: z.string().min(1).max(16_384).describe('the OIDC ID token (compact JWS)') });

const Entitlements = z.object({
  userId: z.string(),
  login: z.string(),
  status: z.string(),
  created: z.boolean(),
  accounts: z.array(z.object({ app: z.string(), role: z.string().optional() })),
  groups: z.array(z.string()),
  runId: z.string().optional(),
  actions: z.number().int(),
});

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const route = createRoute({
  method: 'post',
  path: '/',
  summary: 'Just-in-time provisioning at login',
  description: 'Verifies an OIDC ID token against its issuer (settings.jit), creates or updates the identity from its claims, queues the actions its rules call for (run kind `jit`) and returns its entitlements.',
  request: { body: { content: { 'application/json': { schema: JitRequest } }, required: true } },
  responses: {
    200: { description: 'the identity and what it is entitled to', content: { 'application/json': { schema: Entitlements } } },
    401: { description: 'the bearer token or the id token was refused (the reason says why)', content: { 'application/json': { schema: ErrorBody } } },
    409: {
      description: "`jit_binding_conflict`: the identity the token names is bound to another IdP account (or the account to another identity); `duplicate_login`: a bound account's new login is another identity's",
      content: { 'application/json': { schema: ErrorBody } },
    },
    503: { description: 'no active rule set, or the issuer keys cannot be read', content: { 'application/json': { schema: ErrorBody } } },
  },
});

const Binding = z
  .object({
    issuer: z.string(),
    subject: z.string().openapi({ description: 'the `sub` claim of the IdP account' }),
    userId: z.string(),
    createdAt: z.string(),
  })
  .openapi('JitBinding');
const tags = ['jit'];
const getBinding = createRoute({
  method: 'get', path: '/bindings/{id}', tags, summary: 'the IdP account (issuer, sub) an identity signs in from', request: { params: IdParam },
  responses: { 200: json(Binding), ...errorResponses(404) },
});
const deleteBinding = createRoute({
  method: 'delete', path: '/bindings/{id}', tags,
  summary: "unbind an identity from its IdP account: the next login of any account whose login (or id claim) names it binds it (audited as `identity.unbind`)",
  request: { params: IdParam },
  responses: { 200: json(Binding, 'the binding removed'), ...errorResponses(404) },
});

/** Issuers from `ROSTER_JIT_ISSUERS` (a JSON array), for deployments that keep them out of the rules. */
export function envIssuers(env: Record<string, string | undefined> | undefined = globalThis.process?.env): JitIssuer[] {
  const text = env?.ROSTER_JIT_ISSUERS;
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`ROSTER_JIT_ISSUERS is not JSON: ${(error as Error).message}`);
  }
  const parsed = z.array(jitIssuerSchema).safeParse(json);
  if (!parsed.success) {
    // Unions resolved (`audience` is a string or a list): zod's own refusal reads "Invalid input".
    const issue = withoutUnions(parsed.error.issues, json)[0];
    const at = (issue?.path ?? []).map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new Error(`ROSTER_JIT_ISSUERS${at}: ${issue ? problemOf(issue, json).message : 'not a list of issuers'}`);
  }
  return parsed.data;
}

export function jitRoutes(runtime: Runtime, issuers: readonly JitIssuer[] = envIssuers()): OpenAPIHono<AppEnv> {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const { id_token } = c.req.valid('json');
    const outcome = await jitLogin(runtime.db, id_token, { issuers, newId: runtime.newId }, writeContext(runtime, c.get('auth')));
    if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.reason);
    c.header('Server-Timing', `engine;dur=${outcome.engineMs.toFixed(3)}`);
    return c.json(outcome.value, 200);
  });
  app.openapi(getBinding, async (c) => {
    const binding = await bindingOf(runtime.db, c.req.valid('param').id);
    if (!binding) throw notFound(`identity \`${c.req.valid('param').id}\` is bound to no IdP account`);
    return c.json(binding, 200);
  });
  app.openapi(deleteBinding, async (c) => {
    const removed = await unbind(runtime.db, c.req.valid('param').id, writeContext(runtime, c.get('auth')));
    if (!removed.ok) throw notFound(removed.message);
    return c.json(removed.value, 200);
  });
  return app;
}

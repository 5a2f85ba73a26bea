// `/v1/tokens`: the API's bearer tokens, for admins only (edge/http/auth.ts). This is how a
// Worker over D1, which the CLI cannot reach, gets SCIM and agent tokens or replaces its
// bootstrap token. A new token is in the 201 once, stored as its sha256 like the CLI's; a list
// never carries a token or a hash. Revoking keeps the row and never the last admin token.
import { createRoute, z } from '@hono/zod-openapi';
import { TOKEN_SCOPES, createToken, listTokens, revokeToken } from '../auth/tokens.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, conflict, notFound } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, errorResponses, json, jsonBody } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const TokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scope: z.enum(TOKEN_SCOPES),
    sourceId: z.string().nullable().openapi({ description: 'the one SCIM source a scim token may change' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'last authenticated request, to the minute; null if never used' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token');
const TokenCreateSchema = z
  .strictObject({
    scope: z.enum(TOKEN_SCOPES),
    name: z.string().trim().min(1).max(200).openapi({ description: 'what the token is for, as the list shows it' }),
    sourceId: z.string().min(1).max(200).optional().openapi({ description: 'binds a scim token to one source' }),
  })
  .refine((body) => body.sourceId === undefined || body.scope === 'scim', { path: ['sourceId'], message: 'binds scim tokens only' })
  .openapi('TokenCreate');
const TokenCreatedSchema = TokenSchema.extend({
  token: z.string().openapi({ description: 'the token itself, shown only in this answer: Roster keeps its sha256' }),
}).openapi('TokenCreated');

const tags = ['tokens'];
const security = [{ bearer: [] }];

const list = createRoute({
  method: 'get', path: '/', tags, security, summary: 'every token, revoked ones included, oldest first: never the token or its hash',
  responses: { 200: json(z.object({ items: z.array(TokenSchema) }).openapi('TokenList')), ...errorResponses() },
});
const create = createRoute({
  method: 'post', path: '/', tags, security, summary: 'make a token; the answer is the only time it is shown',
  request: { body: jsonBody(TokenCreateSchema) },
  responses: { 201: json(TokenCreatedSchema, 'created'), ...errorResponses(400) },
});
const revoke = createRoute({
  method: 'post', path: '/{id}/revoke', tags, security,
  summary: 'revoke a token (it stays listed); 409 for one already revoked or the last active admin token',
  request: { params: IdParam },
  responses: { 200: json(TokenSchema, 'revoked'), ...errorResponses(404, 409) },
});

export function tokenRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(list, async (c) => c.json({ items: await listTokens(runtime.db) }, 200));

  app.openapi(create, async (c) => {
    const { scope, name, sourceId } = c.req.valid('json');
    const created = await createToken(runtime.db, { scope, name, sourceId: sourceId ?? null }, writeContext(runtime, c.get('auth')));
    return c.json({ ...created.info, token: created.token }, 201);
  });

  app.openapi(revoke, async (c) => {
    const revoked = await revokeToken(runtime.db, c.req.valid('param').id, writeContext(runtime, c.get('auth')), { keepAnAdmin: true });
    if (revoked.ok) return c.json(revoked.value, 200);
    if (revoked.code === 'not_found') throw notFound(revoked.message);
    if (revoked.code === 'last_admin') throw new ApiError(409, 'last_admin_token', revoked.message);
    throw conflict(revoked.message);
  });
  return app;
}

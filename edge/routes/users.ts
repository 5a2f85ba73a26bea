// `/v1/users`: identities. Create, read, update (If-Match or `version` → 412/409 when stale),
// list with filters and cursors. Status changes go through lifecycle operations, password
// changes through the password routes (both mounted here too).
import { createRoute } from '@hono/zod-openapi';
import type { Identity } from '../db/repos/index.ts';
import { createIdentity, getIdentity, listIdentities, updateIdentity } from '../db/repos/index.ts';
import { writeContext } from '../http/env.ts';
import { checkIfMatch, versionTag } from '../http/etag.ts';
import { notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, UserCreateSchema, UserListQuery, UserPatchSchema, UserSchema, errorResponses, json, jsonBody, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { adminProfileEdit, attributeSources } from '../services/profile-edit.ts';
import { lifecycleRoutes } from './lifecycle.ts';
import { passwordRoutes } from './passwords.ts';
import { provisionRoutes } from './provision.ts';

const RESERVED_QUERY = new Set(['limit', 'cursor', 'status', 'q']);

/**
 * What the API shows of an identity: never password hashes, history or per-source values; of
 * its sources, only which one each attribute's value comes from.
 */
export function userBody(row: Identity) {
  return { id: row.id, login: row.login, email: row.email, status: row.status, profile: row.profile, attributeSources: attributeSources(row), version: row.version, passwordChangedAt: row.passwordChangedAt, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

const tags = ['users'];
const security = [{ bearer: [] }];

const createUser = createRoute({
  method: 'post', path: '/', tags, security, summary: 'create a user',
  request: { body: jsonBody(UserCreateSchema) },
  responses: { 201: json(UserSchema, 'created'), ...errorResponses(400, 409, 413) },
});
const getUser = createRoute({
  method: 'get', path: '/{id}', tags, security, summary: 'read a user',
  request: { params: IdParam },
  responses: { 200: json(UserSchema), ...errorResponses(404) },
});
const patchUser = createRoute({
  method: 'patch', path: '/{id}', tags, security, summary: 'update login, email or profile attributes',
  request: { params: IdParam, body: jsonBody(UserPatchSchema) },
  responses: { 200: json(UserSchema), ...errorResponses(400, 404, 409, 412) },
});
const listUsers = createRoute({
  method: 'get', path: '/', tags, security, summary: 'list users (filters: status, q, any profile attribute)',
  request: { query: UserListQuery },
  responses: { 200: json(pageOf(UserSchema, 'UserPage')), ...errorResponses(400) },
});

export function userRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;

  app.openapi(createUser, async (c) => {
    const body = c.req.valid('json');
    const sourced = adminProfileEdit(undefined, body.profile ?? {});
    const row = unwrap(await createIdentity(db, { ...body, ...sourced, id: body.id ?? runtime.newId() }, writeContext(runtime, c.get('auth')), { login: 'ignore-case' }));
    c.header('ETag', versionTag(row.version));
    c.header('Location', `/v1/users/${encodeURIComponent(row.id)}`);
    return c.json(userBody(row), 201);
  });

  app.openapi(getUser, async (c) => {
    const row = await getIdentity(db, c.req.valid('param').id);
    if (!row) throw notFound(`no user \`${c.req.valid('param').id}\``);
    c.header('ETag', versionTag(row.version));
    return c.json(userBody(row), 200);
  });

  app.openapi(patchUser, async (c) => {
    const { id } = c.req.valid('param');
    const { version, profile, ...rest } = c.req.valid('json');
    const current = await getIdentity(db, id);
    if (!current) throw notFound(`no user \`${id}\``);
    checkIfMatch(c.req.header('if-match'), versionTag(current.version));
    const patch: Parameters<typeof updateIdentity>[3] = { ...rest };
    if (profile) Object.assign(patch, adminProfileEdit(current, profile));
    const row = unwrap(await updateIdentity(db, id, version ?? current.version, patch, writeContext(runtime, c.get('auth')), { login: 'ignore-case' }));
    c.header('ETag', versionTag(row.version));
    return c.json(userBody(row), 200);
  });

  app.openapi(listUsers, async (c) => {
    const query = c.req.valid('query') as Record<string, unknown> & { limit?: number; cursor?: string; status?: string; q?: string };
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(query)) if (!RESERVED_QUERY.has(key) && typeof value === 'string') attributes[key] = value;
    const page = unwrap(
      await listIdentities(db, {
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
        attributes,
      }),
    );
    return c.json({ items: page.items.map(userBody), ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });

  app.route('/', lifecycleRoutes(runtime));
  app.route('/', passwordRoutes(runtime));
  app.route('/', provisionRoutes(runtime));
  return app;
}

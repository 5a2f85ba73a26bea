// `/v1/groups`: create, read, update (If-Match with the group's ETag → 412), list by source.
import { createRoute, z } from '@hono/zod-openapi';
import type { Group } from '../db/repos/index.ts';
import { createGroup, getGroup, listGroups, updateGroup } from '../db/repos/index.ts';
import { writeContext } from '../http/env.ts';
import { checkIfMatch, contentTag } from '../http/etag.ts';
import { notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { GroupCreateSchema, GroupPatchSchema, GroupSchema, IdParam, PageQuery, errorResponses, json, jsonBody, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const tags = ['groups'];
const security = [{ bearer: [] }];
const create = createRoute({ method: 'post', path: '/', tags, security, summary: 'create a group', request: { body: jsonBody(GroupCreateSchema) }, responses: { 201: json(GroupSchema, 'created'), ...errorResponses(400, 409) } });
const read = createRoute({ method: 'get', path: '/{id}', tags, security, summary: 'read a group', request: { params: IdParam }, responses: { 200: json(GroupSchema), ...errorResponses(404) } });
const patch = createRoute({ method: 'patch', path: '/{id}', tags, security, summary: 'rename or describe a group', request: { params: IdParam, body: jsonBody(GroupPatchSchema) }, responses: { 200: json(GroupSchema), ...errorResponses(400, 404, 412) } });
const list = createRoute({
  method: 'get', path: '/', tags, security, summary: 'list groups',
  request: { query: PageQuery.extend({ source: z.string().optional().openapi({ description: '`manual`, `rules` or an app id' }) }) },
  responses: { 200: json(pageOf(GroupSchema, 'GroupPage')), ...errorResponses(400) },
});

const groupBody = (g: Group) => ({ id: g.id, name: g.name, description: g.description, source: g.source });

export function groupRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const row = unwrap(await createGroup(db, { id: body.id, name: body.name, description: body.description ?? null, source: 'manual' }, writeContext(runtime, c.get('auth'))));
    c.header('ETag', contentTag(groupBody(row)));
    return c.json(groupBody(row), 201);
  });
  app.openapi(read, async (c) => {
    const row = await getGroup(db, c.req.valid('param').id);
    if (!row) throw notFound(`no group \`${c.req.valid('param').id}\``);
    c.header('ETag', contentTag(groupBody(row)));
    return c.json(groupBody(row), 200);
  });
  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const current = await getGroup(db, id);
    if (!current) throw notFound(`no group \`${id}\``);
    checkIfMatch(c.req.header('if-match'), contentTag(groupBody(current)));
    const row = unwrap(await updateGroup(db, id, c.req.valid('json'), writeContext(runtime, c.get('auth'))));
    c.header('ETag', contentTag(groupBody(row)));
    return c.json(groupBody(row), 200);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = unwrap(await listGroups(db, { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), ...(q.source !== undefined ? { source: q.source } : {}) }));
    return c.json({ items: page.items.map(groupBody), ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  return app;
}

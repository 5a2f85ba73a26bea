// `/v1/groups`: create, read, update (If-Match with the group's ETag → 412), list by source, and
// a group's members. The active rule set's groups (`kind: group`) are listed and read beside the
// stored ones with source `rules`; they change in their rule files, so the API refuses to create
// or update one (409).
import { createRoute, z } from '@hono/zod-openapi';
import type { Group } from '../db/repos/index.ts';
import { createGroup, getGroup, listGroups, listMembers, updateGroup } from '../db/repos/index.ts';
import { writeContext } from '../http/env.ts';
import { checkIfMatch, contentTag } from '../http/etag.ts';
import { ApiError, notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { GroupCreateSchema, GroupMemberSchema, GroupPatchSchema, GroupSchema, IdParam, PageQuery, errorResponses, json, jsonBody, pageOf } from '../openapi/schemas.ts';
import type { DefinedGroup } from '../services/defined.ts';
import { ruleGroups } from '../services/defined.ts';
import type { Runtime } from '../runtime.ts';

const tags = ['groups'];
const security = [{ bearer: [] }];
const create = createRoute({ method: 'post', path: '/', tags, security, summary: 'create a group', request: { body: jsonBody(GroupCreateSchema) }, responses: { 201: json(GroupSchema, 'created'), ...errorResponses(400, 409) } });
const read = createRoute({ method: 'get', path: '/{id}', tags, security, summary: 'read a group', request: { params: IdParam }, responses: { 200: json(GroupSchema), ...errorResponses(404) } });
const patch = createRoute({ method: 'patch', path: '/{id}', tags, security, summary: 'rename or describe a group', request: { params: IdParam, body: jsonBody(GroupPatchSchema) }, responses: { 200: json(GroupSchema), ...errorResponses(400, 404, 409, 412) } });
const list = createRoute({
  method: 'get', path: '/', tags, security, summary: 'list groups',
  request: { query: PageQuery.extend({ source: z.string().optional().openapi({ description: '`manual`, `rules` or an app id' }) }) },
  responses: { 200: json(pageOf(GroupSchema, 'GroupPage')), ...errorResponses(400) },
});

const members = createRoute({
  method: 'get', path: '/{id}/members', tags, security, summary: "a group's members, in user-id order",
  request: { params: IdParam, query: PageQuery },
  responses: { 200: json(pageOf(GroupMemberSchema, 'GroupMemberPage')), ...errorResponses(400, 404) },
});

function ruleOwned(group: DefinedGroup, doing: string): ApiError {
  return new ApiError(409, 'defined_by_rules', `group \`${group.id}\` is defined by the active rule set (${group.definedAt}): ${doing} in its rule file`);
}

/** A group as the API shows it; one the rules make (source `rules`) says where it is defined. */
const groupBody = (g: Group & { definedAt?: string }, ruled?: ReadonlyMap<string, DefinedGroup>) => {
  const definedAt = g.definedAt ?? (g.source === 'rules' ? ruled?.get(g.id)?.definedAt : undefined);
  return { id: g.id, name: g.name, description: g.description, source: g.source, ...(definedAt ? { definedAt } : {}) };
};

export function groupRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    const ruled = (await ruleGroups(db)).get(body.id);
    if (ruled) throw ruleOwned(ruled, 'it exists already; change it');
    const row = unwrap(await createGroup(db, { id: body.id, name: body.name, description: body.description ?? null, source: 'manual' }, writeContext(runtime, c.get('auth'))));
    c.header('ETag', contentTag(groupBody(row)));
    return c.json(groupBody(row), 201);
  });
  app.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const ruled = await ruleGroups(db);
    const row = (await getGroup(db, id)) ?? ruled.get(id);
    if (!row) throw notFound(`no group \`${id}\``);
    const shown = groupBody(row, ruled);
    c.header('ETag', contentTag(shown));
    return c.json(shown, 200);
  });
  app.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const current = await getGroup(db, id);
    const ruled = await ruleGroups(db);
    if (!current) {
      const defined = ruled.get(id);
      throw defined ? ruleOwned(defined, 'rename or describe it') : notFound(`no group \`${id}\``);
    }
    checkIfMatch(c.req.header('if-match'), contentTag(groupBody(current, ruled)));
    const row = unwrap(await updateGroup(db, id, c.req.valid('json'), writeContext(runtime, c.get('auth'))));
    const shown = groupBody(row, ruled);
    c.header('ETag', contentTag(shown));
    return c.json(shown, 200);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const ruled = await ruleGroups(db);
    const page = unwrap(await listGroups(db, { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), ...(q.source !== undefined ? { source: q.source } : {}), defined: [...ruled.values()] }));
    return c.json({ items: page.items.map((g) => groupBody(g, ruled)), ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  app.openapi(members, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await getGroup(db, id)) && !(await ruleGroups(db)).has(id)) throw notFound(`no group \`${id}\``);
    const q = c.req.valid('query');
    const page = unwrap(await listMembers(db, id, { ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) }));
    return c.json({ items: page.items, ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  return app;
}

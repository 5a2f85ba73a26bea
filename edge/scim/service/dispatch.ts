// Routes one SCIM request (from HTTP or from a /Bulk operation) to its handler. Paths are
// matched case-sensitively as the RFC names them; the root `/.search` searches Users and
// Groups together (RFC 7644 §3.4.3).
import { ScimError, badRequest, notFound } from '../errors.ts';
import { refuseFilter, resourceTypes, schemas, serviceProviderConfig } from '../discovery.ts';
import type { ScimContext, ScimRequest, ScimResponse } from './context.ts';
import { createGroup, getGroup, listGroups, patchGroup, removeGroup, replaceGroup } from './groups.ts';
import type { ListParams } from './query.ts';
import { searchParams } from './query.ts';
import { searchAll } from './search-all.ts';
import { createUser, getUser, listUsers, patchUser, removeUser, replaceUser } from './users.ts';

type Handlers = {
  list(sc: ScimContext, params: ListParams): Promise<ScimResponse>;
  get(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse>;
  create(sc: ScimContext, req: ScimRequest): Promise<ScimResponse>;
  replace(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse>;
  patch(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse>;
  remove(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse>;
};

export const RESOURCE_HANDLERS: Record<string, Handlers> = {
  Users: { list: listUsers, get: getUser, create: createUser, replace: replaceUser, patch: patchUser, remove: removeUser },
  Groups: { list: listGroups, get: getGroup, create: createGroup, replace: replaceGroup, patch: patchGroup, remove: removeGroup },
};

function notAllowed(method: string, path: string): ScimError {
  return new ScimError(405, `${method} is not supported on \`${path}\``);
}

function queryParams(req: ScimRequest): ListParams {
  const q = req.query;
  const params: ListParams = {};
  if (q.filter !== undefined) params.filter = q.filter;
  if (q.sortBy !== undefined) params.sortBy = q.sortBy;
  if (q.sortOrder !== undefined) params.sortOrder = q.sortOrder;
  if (q.startIndex !== undefined) params.startIndex = q.startIndex;
  if (q.count !== undefined) params.count = q.count;
  if (q.attributes !== undefined) params.attributes = q.attributes;
  if (q.excludedAttributes !== undefined) params.excludedAttributes = q.excludedAttributes;
  return params;
}

export async function dispatch(sc: ScimContext, req: ScimRequest): Promise<ScimResponse> {
  const method = req.method.toUpperCase();
  const segments = req.path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const [head, id, ...rest] = segments;
  if (head === undefined) throw notFound('no resource at the SCIM root; see /ServiceProviderConfig');
  if (rest.length > 0) throw notFound(`no resource at \`${req.path}\``);
  if (head === '.search') {
    if (id !== undefined) throw notFound(`no resource at \`${req.path}\``);
    if (method !== 'POST') throw notAllowed(method, req.path);
    return searchAll(sc, searchParams(req.body));
  }
  if (head === 'ServiceProviderConfig' || head === 'ResourceTypes' || head === 'Schemas') {
    if (method !== 'GET') throw notAllowed(method, req.path);
    refuseFilter(req.query.filter);
    if (head === 'ServiceProviderConfig') {
      if (id !== undefined) throw notFound(`no resource at \`${req.path}\``);
      return { status: 200, body: serviceProviderConfig(sc.base) };
    }
    return { status: 200, body: head === 'ResourceTypes' ? resourceTypes(sc.base, id) : schemas(sc.base, id) };
  }
  if (head === 'Me') throw new ScimError(501, '/Me is not supported: a SCIM token does not stand for a user');
  if (head === 'Bulk') throw badRequest('invalidSyntax', '/Bulk is handled before dispatch');
  const handlers = RESOURCE_HANDLERS[head];
  if (!handlers) throw notFound(`no resource type at \`/${head}\``);
  if (id === undefined) {
    if (method === 'GET') return handlers.list(sc, queryParams(req));
    if (method === 'POST') return handlers.create(sc, req);
    throw notAllowed(method, req.path);
  }
  if (id === '.search') {
    if (method !== 'POST') throw notAllowed(method, req.path);
    return handlers.list(sc, searchParams(req.body));
  }
  switch (method) {
    case 'GET':
      return handlers.get(sc, req, id);
    case 'PUT':
      return handlers.replace(sc, req, id);
    case 'PATCH':
      return handlers.patch(sc, req, id);
    case 'DELETE':
      return handlers.remove(sc, req, id);
    default:
      throw notAllowed(method, req.path);
  }
}

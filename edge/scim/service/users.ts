// /Users (RFC 7644 §3.3 create, §3.4.1 read, §3.4.2 list, §3.5.1 replace, §3.5.2 modify,
// §3.6 delete). Reads run in SQL; writes go through store/users.ts (one batch with the audit
// event and the engine's plan for the user).
import { badRequest, notFound } from '../errors.ts';
import { LIST_SCHEMA } from '../discovery.ts';
import type { JsonObject } from '../resource/coerce.ts';
import { coerceResource, sameJson } from '../resource/coerce.ts';
import { etagMatches, userVersion } from '../resource/meta.ts';
import { applyPatch, readPatchRequest } from '../resource/patch.ts';
import type { Projection } from '../resource/project.ts';
import { parseSelection, project } from '../resource/project.ts';
import type { UserView, UserWrite } from '../resource/user-map.ts';
import { fromScimUser, toScimUser } from '../resource/user-map.ts';
import { userTargets } from '../query/targets.ts';
import { USER_TYPE } from '../schema/index.ts';
import { deleteUser, findUsers, getUserView, saveUser } from '../store/users.ts';
import type { ScimContext, ScimRequest, ScimResponse } from './context.ts';
import { checkIfMatch, checkWritable, scopeSql, visible } from './context.ts';
import type { ListParams } from './query.ts';
import { prepareList } from './query.ts';

export function projectionOf(req: ScimRequest): Projection {
  const p: Projection = {};
  const attributes = parseSelection(USER_TYPE, req.query.attributes);
  const excluded = parseSelection(USER_TYPE, req.query.excludedAttributes);
  if (attributes) p.attributes = attributes;
  if (excluded) p.excluded = excluded;
  return p;
}

function shown(sc: ScimContext, view: UserView, p: Projection): JsonObject {
  return project(USER_TYPE, toScimUser(view, sc.base), p);
}

function respond(sc: ScimContext, view: UserView, status: number, req: ScimRequest): ScimResponse {
  const version = userVersion(view.identity.version);
  const headers: Record<string, string> = { ETag: version };
  if (status === 201) headers.Location = `${sc.base}/Users/${encodeURIComponent(view.identity.id)}`;
  return { status, body: shown(sc, view, projectionOf(req)), headers };
}

async function load(sc: ScimContext, id: string): Promise<UserView> {
  const view = await getUserView(sc.db, id);
  if (!view || !visible(sc.caller, view.scim)) throw notFound(`no user \`${id}\``);
  return view;
}

async function reload(sc: ScimContext, id: string): Promise<UserView> {
  const view = await getUserView(sc.db, id);
  if (!view) throw notFound(`no user \`${id}\``);
  return view;
}

function toWrite(resource: JsonObject): UserWrite {
  if (typeof resource.userName !== 'string' || resource.userName.trim() === '') throw badRequest('invalidValue', '`userName` is required');
  return fromScimUser(resource);
}

export async function listUsers(sc: ScimContext, params: ListParams): Promise<ScimResponse> {
  const { query, startIndex, projection } = prepareList(userTargets, params, scopeSql(sc.caller));
  const { total, views } = await findUsers(sc.db, query);
  const resources = views.map((v) => shown(sc, v, projection));
  return { status: 200, body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources } };
}

export async function getUser(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const view = await load(sc, id);
  const version = userVersion(view.identity.version);
  if (etagMatches(req.ifNoneMatch, version)) return { status: 304, headers: { ETag: version } };
  return respond(sc, view, 200, req);
}

export async function createUser(sc: ScimContext, req: ScimRequest): Promise<ScimResponse> {
  const write = toWrite(coerceResource(USER_TYPE, req.body));
  const id = sc.newId();
  await saveUser(sc.db, { id, before: undefined, write, owner: sc.caller.source }, sc.write, sc.newId, sc.passwords);
  return respond(sc, await reload(sc, id), 201, req);
}

export async function replaceUser(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `user \`${id}\``);
  checkIfMatch(req, userVersion(before.identity.version));
  const write = toWrite(coerceResource(USER_TYPE, req.body));
  await saveUser(sc.db, { id, before, write, owner: sc.caller.source }, sc.write, sc.newId, sc.passwords);
  return respond(sc, await reload(sc, id), 200, req);
}

export async function patchUser(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `user \`${id}\``);
  checkIfMatch(req, userVersion(before.identity.version));
  const ops = readPatchRequest(req.body);
  const current = coerceResource(USER_TYPE, toScimUser(before, sc.base));
  const patched = applyPatch(USER_TYPE, current, ops);
  const write = toWrite(coerceResource(USER_TYPE, patched));
  // A PATCH that changes nothing writes nothing (IdPs resend the same state often, the password
  // the user has included).
  // The password is verified once here: one the user already has is dropped from the write.
  const hash = before.identity.passwordHash;
  const samePassword = write.password === undefined || (hash !== null && (await sc.passwords.verifyPassword(write.password, hash)));
  const changes = samePassword ? { ...write, password: undefined } : write;
  if (!samePassword || !sameJson(changes, fromScimUser(current))) await saveUser(sc.db, { id, before, write: changes, owner: sc.caller.source }, sc.write, sc.newId, sc.passwords);
  return respond(sc, await reload(sc, id), 200, req);
}

export async function removeUser(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `user \`${id}\``);
  checkIfMatch(req, userVersion(before.identity.version));
  await deleteUser(sc.db, before, sc.write, sc.newId);
  return { status: 204 };
}

// /Groups (RFC 7644 §3.3–§3.6). Members are Roster users; a list leaves members out when the
// client excludes them (`excludedAttributes=members`, as Entra asks), so large groups list fast.
import { badRequest, notFound } from '../errors.ts';
import { LIST_SCHEMA } from '../discovery.ts';
import type { JsonObject } from '../resource/coerce.ts';
import { coerceResource, sameJson } from '../resource/coerce.ts';
import type { GroupView, GroupWrite } from '../resource/group-map.ts';
import { fromScimGroup, toScimGroup } from '../resource/group-map.ts';
import { etagMatches } from '../resource/meta.ts';
import { applyPatch, readPatchRequest } from '../resource/patch.ts';
import type { Projection } from '../resource/project.ts';
import { parseSelection, project } from '../resource/project.ts';
import { groupTargets } from '../query/targets.ts';
import { GROUP_SCHEMA, GROUP_TYPE } from '../schema/index.ts';
import { deleteGroup, findGroups, getGroupView, saveGroup } from '../store/groups.ts';
import type { ScimContext, ScimRequest, ScimResponse } from './context.ts';
import { checkIfMatch, checkWritable, scopeSql, visible } from './context.ts';
import type { ListParams } from './query.ts';
import { prepareList } from './query.ts';

function projectionOf(req: ScimRequest): Projection {
  const p: Projection = {};
  const attributes = parseSelection(GROUP_TYPE, req.query.attributes);
  const excluded = parseSelection(GROUP_TYPE, req.query.excludedAttributes);
  if (attributes) p.attributes = attributes;
  if (excluded) p.excluded = excluded;
  return p;
}

const versionOf = (sc: ScimContext, view: GroupView): string => (toScimGroup(view, sc.base).meta as JsonObject).version as string;

function respond(sc: ScimContext, view: GroupView, status: number, req: ScimRequest): ScimResponse {
  const full = toScimGroup(view, sc.base);
  const headers: Record<string, string> = { ETag: (full.meta as JsonObject).version as string };
  if (status === 201) headers.Location = `${sc.base}/Groups/${encodeURIComponent(view.group.id)}`;
  return { status, body: project(GROUP_TYPE, full, projectionOf(req)), headers };
}

async function load(sc: ScimContext, id: string): Promise<GroupView> {
  const view = await getGroupView(sc.db, id);
  if (!view || !visible(sc.caller, view.scim)) throw notFound(`no group \`${id}\``);
  return view;
}

function toWrite(resource: JsonObject): GroupWrite {
  if (typeof resource.displayName !== 'string' || resource.displayName.trim() === '') throw badRequest('invalidValue', '`displayName` is required');
  return fromScimGroup(resource);
}

/** Whether the projection can show members (if not, they are not read at all). */
function wantsMembers(p: Projection): boolean {
  const k = `${GROUP_SCHEMA.toLowerCase()}|members`;
  if (p.attributes && !p.attributes.picks.has(k)) return false;
  return !(p.excluded?.picks.has(k) && p.excluded.picks.get(k) === undefined);
}

export async function listGroups(sc: ScimContext, params: ListParams): Promise<ScimResponse> {
  const { query, startIndex, projection } = prepareList(groupTargets, params, scopeSql(sc.caller));
  const { total, views } = await findGroups(sc.db, query, wantsMembers(projection));
  const resources = views.map((v) => project(GROUP_TYPE, toScimGroup(v, sc.base), projection));
  return { status: 200, body: { schemas: [LIST_SCHEMA], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources } };
}

export async function getGroup(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const view = await load(sc, id);
  const version = versionOf(sc, view);
  if (etagMatches(req.ifNoneMatch, version)) return { status: 304, headers: { ETag: version } };
  return respond(sc, view, 200, req);
}

export async function createGroup(sc: ScimContext, req: ScimRequest): Promise<ScimResponse> {
  const write = toWrite(coerceResource(GROUP_TYPE, req.body));
  const id = sc.newId();
  await saveGroup(sc.db, { id, before: undefined, write, owner: sc.caller.source }, sc.write, () => sc.newId());
  return respond(sc, await load(sc, id), 201, req);
}

export async function replaceGroup(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `group \`${id}\``);
  checkIfMatch(req, versionOf(sc, before));
  const write = toWrite(coerceResource(GROUP_TYPE, req.body));
  await saveGroup(sc.db, { id, before, write, owner: sc.caller.source }, sc.write, () => sc.newId());
  return respond(sc, await load(sc, id), 200, req);
}

export async function patchGroup(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `group \`${id}\``);
  checkIfMatch(req, versionOf(sc, before));
  const ops = readPatchRequest(req.body);
  const current = coerceResource(GROUP_TYPE, toScimGroup(before, sc.base));
  const write = toWrite(coerceResource(GROUP_TYPE, applyPatch(GROUP_TYPE, current, ops)));
  if (!sameJson(write, fromScimGroup(current))) await saveGroup(sc.db, { id, before, write, owner: sc.caller.source }, sc.write, () => sc.newId());
  const after = await load(sc, id);
  // RFC 7644 §3.5.2: 204 is allowed; members of large groups are not echoed unless asked for.
  if (req.query.attributes === undefined && req.query.excludedAttributes === undefined) return { status: 204, headers: { ETag: versionOf(sc, after) } };
  return respond(sc, after, 200, req);
}

export async function removeGroup(sc: ScimContext, req: ScimRequest, id: string): Promise<ScimResponse> {
  const before = await load(sc, id);
  checkWritable(sc.caller, before.scim, `group \`${id}\``);
  checkIfMatch(req, versionOf(sc, before));
  await deleteGroup(sc.db, before, sc.write, () => sc.newId());
  return { status: 204 };
}

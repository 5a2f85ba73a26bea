// Roster account attributes ⇄ SCIM resources. Attribute names are SCIM paths: `userName`,
// `displayName`, `name.givenName` (dotted for sub-attributes); `email` is a shorthand for the
// primary work email; Roster's user id travels as `externalId`, the idempotency key of lookups.
import type { Json } from '../../../engine/types.ts';
import type { RemoteAccount, RemoteGroup } from '../types.ts';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type ScimResource = Record<string, unknown> & { id?: string };

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** The SCIM user to POST for a new account. */
export function userResource(userId: string, attributes: Record<string, Json>, role?: string): ScimResource {
  const resource: ScimResource = { schemas: [USER_SCHEMA], externalId: userId, active: true };
  for (const [name, value] of Object.entries(attributes)) setPath(resource, name, value);
  if (typeof resource.userName !== 'string') resource.userName = typeof attributes.login === 'string' ? attributes.login : userId;
  if (role !== undefined) resource.roles = [{ value: role, primary: true }];
  delete resource.login;
  return resource;
}

/** Minimal PATCH operations for changed attributes (and a new role). */
export function changeOperations(changes: Record<string, { to: Json }>, role?: string): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [name, change] of Object.entries(changes)) {
    const { path, value } = scimPath(name, change.to);
    ops.push(change.to === null ? { op: 'remove', path } : { op: 'replace', path, value });
  }
  if (role !== undefined) ops.push({ op: 'replace', path: 'roles', value: [{ value: role, primary: true }] });
  return ops;
}

/** Applies operations to a full resource, for apps that take PUT only. */
export function applyOperations(resource: ScimResource, ops: readonly PatchOperation[]): ScimResource {
  const next: ScimResource = structuredClone(resource);
  delete next.meta;
  for (const op of ops) {
    if (op.op === 'remove') removePath(next, op.path);
    else setPath(next, op.path, op.value as Json);
  }
  return next;
}

/** What Roster records as the account's observed attributes. */
export function observedAttributes(resource: ScimResource): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of ['userName', 'displayName', 'externalId', 'title'] as const) {
    const v = resource[key];
    if (typeof v === 'string') out[key] = v;
  }
  const name = resource.name as Record<string, unknown> | undefined;
  if (name && typeof name === 'object') {
    for (const [k, v] of Object.entries(name)) if (typeof v === 'string') out[`name.${k}`] = v;
  }
  const email = primaryEmail(resource);
  if (email !== undefined) out.email = email;
  return out;
}

export function toRemoteAccount(resource: ScimResource): RemoteAccount {
  return { externalId: String(resource.id), attributes: observedAttributes(resource), active: resource.active !== false };
}

export function toRemoteGroup(resource: ScimResource): RemoteGroup {
  const members = Array.isArray(resource.members) ? (resource.members as { value?: unknown }[]).map((m) => String(m.value)) : [];
  return {
    externalId: String(resource.id),
    name: typeof resource.displayName === 'string' ? resource.displayName : String(resource.id),
    ...(typeof resource.externalId === 'string' ? { groupId: resource.externalId } : {}),
    members,
  };
}

function primaryEmail(resource: ScimResource): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as { value?: unknown; primary?: unknown }[]) : [];
  const chosen = emails.find((e) => e.primary === true) ?? emails[0];
  return typeof chosen?.value === 'string' ? chosen.value : undefined;
}

/** `email` → the `emails` list; other names are SCIM paths as they are. */
function scimPath(name: string, value: Json): { path: string; value: unknown } {
  if (name === 'email') return { path: 'emails', value: value === null ? null : [{ value, type: 'work', primary: true }] };
  return { path: name, value };
}

function setPath(target: Record<string, unknown>, name: string, value: Json): void {
  const { path, value: v } = scimPath(name, value);
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = v;
}

function removePath(target: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let node: Record<string, unknown> | undefined = target;
  for (const part of parts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
  if (node) delete node[parts[parts.length - 1] as string];
}

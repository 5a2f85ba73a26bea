// SCIM Group ⇄ Roster group and memberships. Members are users only (Roster groups do not
// nest); each membership written over SCIM carries the source `scim:<source>` so rules and
// other sources keep their own memberships of the same group.
import type { Group } from '../../db/repos/groups.ts';
import { badRequest } from '../errors.ts';
import { GROUP_SCHEMA } from '../schema/index.ts';
import type { JsonObject } from './coerce.ts';
import { isObject } from './coerce.ts';
import type { ScimRow } from './meta.ts';
import { groupVersion } from './meta.ts';

export interface GroupView {
  group: Group;
  scim: ScimRow | undefined;
  /** Member user ids with their display names. */
  members: { id: string; display: string | undefined }[];
}

export interface GroupWrite {
  name: string;
  externalId: string | null;
  /** Member user ids, deduplicated, in the order given. */
  members: string[];
}

export function toScimGroup(view: GroupView, base: string): JsonObject {
  const { group, scim, members } = view;
  const out: JsonObject = { schemas: [GROUP_SCHEMA], id: group.id };
  if (scim?.externalId) out.externalId = scim.externalId;
  out.displayName = group.name;
  if (members.length > 0) {
    out.members = members.map((m) => {
      const member: JsonObject = { value: m.id, $ref: `${base}/Users/${encodeURIComponent(m.id)}`, type: 'User' };
      if (m.display !== undefined) member.display = m.display;
      return member;
    });
  }
  out.meta = {
    resourceType: 'Group',
    ...(scim ? { created: scim.createdAt, lastModified: scim.updatedAt } : {}),
    location: `${base}/Groups/${encodeURIComponent(group.id)}`,
    version: groupVersion({ name: group.name, externalId: scim?.externalId ?? null, members: members.map((m) => m.id) }),
  };
  return out;
}

export function fromScimGroup(resource: JsonObject): GroupWrite {
  const list = Array.isArray(resource.members) ? resource.members : [];
  const members: string[] = [];
  for (const m of list) {
    if (!isObject(m) || typeof m.value !== 'string') throw badRequest('invalidValue', 'every member needs a `value` (a user id)');
    if (m.type !== undefined && m.type !== 'User') throw badRequest('invalidValue', `member \`${m.value}\` has type \`${String(m.type)}\`: Roster groups hold users only`);
    if (!members.includes(m.value)) members.push(m.value);
  }
  return { name: resource.displayName as string, externalId: typeof resource.externalId === 'string' ? resource.externalId : null, members };
}

// Groups in storage: list (filter, sort and page in SQL), read, and write in ONE batch with
// their memberships and audit event. Members added over SCIM carry the source `scim`; a member
// a SCIM client removes is removed whoever added it (the client saw it in the Group).
// displayName is not unique (RFC 7643 §4.2: uniqueness none).
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../../db/index.ts';
import { chunkRows, paramLimit } from '../../db/index.ts';
import type { Group } from '../../db/repos/groups.ts';
import { getIdentities } from '../../db/repos/identities.ts';
import { groups, identities, memberships, scimResources } from '../../db/schema.ts';
import { badRequest } from '../errors.ts';
import type { GroupView, GroupWrite } from '../resource/group-map.ts';
import type { ScimRow } from '../resource/meta.ts';
import { planWrite } from './plan.ts';
import type { ListQuery } from './users.ts';
import { SCIM_SOURCE, displayOf, r } from './users.ts';

const joined = (db: Db) => db.select({ group: groups, scim: r }).from(groups).leftJoin(r, and(eq(r.resourceType, 'Group'), eq(r.id, groups.id)));

export async function findGroups(db: Db, query: ListQuery, withMembers: boolean): Promise<{ total: number; views: GroupView[] }> {
  const [total] = await db.select({ n: count() }).from(groups).leftJoin(r, and(eq(r.resourceType, 'Group'), eq(r.id, groups.id))).where(query.where);
  if (query.limit === 0) return { total: total?.n ?? 0, views: [] };
  const rows = await joined(db).where(query.where).orderBy(...query.orderBy, asc(groups.id)).limit(query.limit).offset(query.offset);
  return { total: total?.n ?? 0, views: await toViews(db, rows, withMembers) };
}

export async function getGroupView(db: Db, id: string): Promise<GroupView | undefined> {
  return (await toViews(db, await joined(db).where(eq(groups.id, id)).limit(1), true))[0];
}

async function toViews(db: Db, rows: { group: Group; scim: ScimRow | null }[], withMembers: boolean): Promise<GroupView[]> {
  const membersOf = new Map<string, GroupView['members']>();
  if (withMembers) {
    for (const chunk of chunkRows(rows.map((row) => row.group.id), 1, paramLimit(db))) {
      const found = await db
        .select({ groupId: memberships.groupId, id: identities.id, login: identities.login, profile: identities.profile })
        .from(memberships)
        .innerJoin(identities, eq(identities.id, memberships.userId))
        .where(inArray(memberships.groupId, chunk))
        .orderBy(asc(memberships.userId));
      for (const m of found) membersOf.set(m.groupId, [...(membersOf.get(m.groupId) ?? []), { id: m.id, display: displayOf(m) }]);
    }
  }
  return rows.map(({ group, scim }) => ({ group, scim: scim ?? undefined, members: membersOf.get(group.id) ?? [] }));
}

async function checkMembers(db: Db, ids: readonly string[]): Promise<void> {
  const found = new Set<string>();
  for (const chunk of chunkRows(ids, 1, paramLimit(db))) for (const row of await db.select({ id: identities.id }).from(identities).where(inArray(identities.id, chunk))) found.add(row.id);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) throw badRequest('invalidValue', `no user ${missing.slice(0, 5).map((m) => `\`${m}\``).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}`);
}

export interface SaveGroup {
  id: string;
  before: GroupView | undefined;
  write: GroupWrite;
  owner: string;
}

/**
 * Creates or replaces a group, its SCIM memberships and its SCIM row, in one batch, with the
 * run its members' new memberships cause (rules read SCIM groups through `groups`).
 */
export async function saveGroup(db: Db, input: SaveGroup, ctx: WriteContext, newId: () => string): Promise<void> {
  const { before, write, id } = input;
  await checkMembers(db, write.members);
  const had = new Set(before?.members.map((m) => m.id) ?? []);
  const added = write.members.filter((m) => !had.has(m));
  const removed = [...had].filter((m) => !write.members.includes(m));
  const scimRow: ScimRow = { resourceType: 'Group', id, source: before?.scim?.source ?? input.owner, externalId: write.externalId, createdAt: before?.scim?.createdAt ?? ctx.at, updatedAt: ctx.at };
  const planned = await planWrite(db, await getIdentities(db, [...added, ...removed]), ctx, newId, { groupId: id, added, removed });
  const event = {
    ...ctx,
    type: before ? 'group.update' : 'group.create',
    subject: id,
    data: { via: 'scim', source: scimRow.source, name: write.name, added, removed, ...(planned.runId ? { runId: planned.runId } : {}) } as JsonObject,
  };
  const statements = (): Statement[] => [
    before ? db.update(groups).set({ name: write.name }).where(eq(groups.id, id)) : db.insert(groups).values({ id, name: write.name, description: null, source: SCIM_SOURCE }),
    db.insert(scimResources).values(scimRow).onConflictDoUpdate({ target: [scimResources.resourceType, scimResources.id], set: { externalId: scimRow.externalId, updatedAt: ctx.at } }),
    ...chunkRows(removed, 1, paramLimit(db) - 1).map((chunk) => db.delete(memberships).where(and(eq(memberships.groupId, id), inArray(memberships.userId, chunk)))),
    ...chunkRows(added, 3, paramLimit(db)).map((chunk) => db.insert(memberships).values(chunk.map((userId) => ({ userId, groupId: id, source: SCIM_SOURCE }))).onConflictDoNothing()),
    ...planned.statements,
  ];
  await writeWithAudit(db, [event, ...planned.events], statements);
}

export async function deleteGroup(db: Db, view: GroupView, ctx: WriteContext, newId: () => string): Promise<void> {
  const id = view.group.id;
  const members = view.members.map((m) => m.id);
  const planned = await planWrite(db, await getIdentities(db, members), ctx, newId, { groupId: id, added: [], removed: members });
  const event = { ...ctx, type: 'group.delete', subject: id, data: { via: 'scim', name: view.group.name, members: members.length, ...(planned.runId ? { runId: planned.runId } : {}) } as JsonObject };
  await writeWithAudit(db, [event, ...planned.events], () => [
    ...planned.statements,
    db.delete(memberships).where(eq(memberships.groupId, id)),
    db.delete(scimResources).where(and(eq(scimResources.resourceType, 'Group'), eq(scimResources.id, id))),
    db.delete(groups).where(eq(groups.id, id)),
  ]);
}

// Groups and memberships. A membership is keyed by (user, group) and remembers which source
// set it (`rules`, an app, a directory), so a source can replace only its own memberships.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, Statement, WriteContext } from '../index.ts';
import { chunkRows, fail, isConstraintError, ok, paramLimit } from '../index.ts';
import { groups, identities, memberships } from '../schema.ts';
import type { Page } from './cursor.ts';
import { clampLimit, decodeCursor, toPage } from './cursor.ts';

export type Group = typeof groups.$inferSelect;
export type Membership = typeof memberships.$inferSelect;

export async function createGroup(db: Db, group: Group, ctx: WriteContext): Promise<Outcome<Group, 'exists'>> {
  const row = { ...group, description: group.description ?? null };
  try {
    await writeWithAudit(db, [{ ...ctx, type: 'group.create', subject: row.id, data: { name: row.name, source: row.source } }], () => [db.insert(groups).values(row)]);
  } catch (error) {
    if (isConstraintError(error, 'groups.id')) return fail('exists', `group \`${row.id}\` exists`);
    throw error;
  }
  return ok(row);
}

export async function getGroup(db: Db, id: string): Promise<Group | undefined> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id)).limit(1);
  return row;
}

export async function updateGroup(db: Db, id: string, patch: Partial<Pick<Group, 'name' | 'description'>>, ctx: WriteContext): Promise<Outcome<Group, 'not_found'>> {
  if (!(await getGroup(db, id))) return fail('not_found', `no group \`${id}\``);
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'group.update', subject: id, data: { ...patch } }], () => [
    db.update(groups).set(patch).where(eq(groups.id, id)).returning(),
  ])) as Group[][];
  const row = rows?.[0];
  return row ? ok(row) : fail('not_found', `no group \`${id}\``);
}

/** Deletes the group and all its memberships together. */
export async function deleteGroup(db: Db, id: string, ctx: WriteContext): Promise<Outcome<{ id: string }, 'not_found'>> {
  if (!(await getGroup(db, id))) return fail('not_found', `no group \`${id}\``);
  await writeWithAudit(db, [{ ...ctx, type: 'group.delete', subject: id }], () => [
    db.delete(memberships).where(eq(memberships.groupId, id)),
    db.delete(groups).where(eq(groups.id, id)),
  ]);
  return ok({ id });
}

/**
 * Groups in id order. `defined` are groups kept outside this table (the active rule set's): they
 * are listed among the stored ones, in the same order and under the same cursor, unless a stored
 * group has their id.
 */
export async function listGroups(db: Db, options: { limit?: number; cursor?: string; source?: string; defined?: readonly Group[] } = {}): Promise<Outcome<Page<Group>, 'bad_cursor'>> {
  const limit = clampLimit(options.limit);
  const where: SQL[] = [];
  let after: string | undefined;
  if (options.cursor !== undefined) {
    after = decodeCursor(options.cursor);
    if (after === undefined) return fail('bad_cursor', `cursor \`${options.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(gt(groups.id, after));
  }
  if (options.source) where.push(eq(groups.source, options.source));
  const rows = await db.select().from(groups).where(and(...where)).orderBy(asc(groups.id)).limit(limit + 1);
  const defined = (options.defined ?? []).filter((g) => (after === undefined || g.id > after) && (!options.source || g.source === options.source));
  if (defined.length === 0) return ok(toPage(rows, limit, (g) => g.id));
  const stored = new Set<string>();
  for (const chunk of chunkRows(defined.map((g) => g.id), 1, paramLimit(db))) {
    for (const r of await db.select({ id: groups.id }).from(groups).where(inArray(groups.id, chunk))) stored.add(r.id);
  }
  // Both lists are in id order after the cursor: their merge's first `limit + 1` make the page.
  const merged = [...rows, ...defined.filter((g) => !stored.has(g.id))].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ok(toPage(merged.slice(0, limit + 1), limit, (g) => g.id));
}

export interface Member {
  userId: string;
  login: string;
  status: string;
  /** Who made the user a member: `rules`, `manual`, or an app/directory id. */
  source: string;
}

/** A group's members in user-id order, a page at a time. */
export async function listMembers(db: Db, groupId: string, options: { limit?: number; cursor?: string } = {}): Promise<Outcome<Page<Member>, 'bad_cursor'>> {
  const limit = clampLimit(options.limit);
  const where: SQL[] = [eq(memberships.groupId, groupId)];
  if (options.cursor !== undefined) {
    const after = decodeCursor(options.cursor);
    if (after === undefined) return fail('bad_cursor', `cursor \`${options.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(gt(memberships.userId, after));
  }
  const rows = await db
    .select({ userId: memberships.userId, login: identities.login, status: identities.status, source: memberships.source })
    .from(memberships)
    .innerJoin(identities, eq(identities.id, memberships.userId))
    .where(and(...where))
    .orderBy(asc(memberships.userId))
    .limit(limit + 1);
  return ok(toPage(rows, limit, (m) => m.userId));
}

/** Adds memberships; existing ones are kept as they are (idempotent). */
export async function addMemberships(db: Db, rows: readonly Membership[], ctx: WriteContext): Promise<void> {
  if (rows.length === 0) return;
  const events = [{ ...ctx, type: 'membership.add', data: { memberships: rows.map((m) => ({ userId: m.userId, groupId: m.groupId, source: m.source })) } }];
  await writeWithAudit(db, events, () => chunkRows(rows, 3, paramLimit(db)).map((chunk) => db.insert(memberships).values(chunk).onConflictDoNothing()));
}

export async function removeMembership(db: Db, userId: string, groupId: string, ctx: WriteContext): Promise<Outcome<Membership, 'not_found'>> {
  const [existing] = await db.select().from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.groupId, groupId)));
  if (!existing) return fail('not_found', `\`${userId}\` is not in group \`${groupId}\``);
  await writeWithAudit(db, [{ ...ctx, type: 'membership.remove', subject: userId, data: { groupId } }], () => [
    db.delete(memberships).where(and(eq(memberships.userId, userId), eq(memberships.groupId, groupId))),
  ]);
  return ok(existing);
}

/** Makes `source`'s memberships of `userId` exactly `groupIds` (other sources' are untouched). */
export async function setMemberships(db: Db, userId: string, source: string, groupIds: readonly string[], ctx: WriteContext): Promise<void> {
  const ids = [...new Set(groupIds)];
  const ofSource = and(eq(memberships.userId, userId), eq(memberships.source, source));
  const statements = (): Statement[] => [
    // Delete-then-insert binds few parameters per statement (D1 allows 100), whatever the count.
    db.delete(memberships).where(ofSource),
    ...chunkRows(ids, 3, paramLimit(db)).map((chunk) =>
      db
        .insert(memberships)
        .values(chunk.map((groupId) => ({ userId, groupId, source })))
        .onConflictDoNothing(),
    ),
  ];
  await writeWithAudit(db, [{ ...ctx, type: 'membership.set', subject: userId, data: { source, groupIds: ids } }], statements);
}

export async function listMemberships(db: Db, filter: { userIds?: readonly string[]; groupId?: string } = {}): Promise<Membership[]> {
  const where: SQL[] = [];
  if (filter.groupId) where.push(eq(memberships.groupId, filter.groupId));
  if (filter.userIds === undefined) return db.select().from(memberships).where(and(...where)).orderBy(asc(memberships.userId), asc(memberships.groupId));
  const out: Membership[] = [];
  for (const chunk of chunkRows(filter.userIds, 1, paramLimit(db) - 1)) {
    out.push(...(await db.select().from(memberships).where(and(inArray(memberships.userId, chunk), ...where))));
  }
  return out.sort((a, b) => a.userId.localeCompare(b.userId) || a.groupId.localeCompare(b.groupId));
}

// App accounts: the link between an identity and its account in one app, with the account as
// last observed there. `observedState` turns them into the engine's ObservedState input.
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { ObservedAccount, ObservedState } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../index.ts';
import { MAX_PARAMS, chunkRows, fail, ok, paramLimit } from '../index.ts';
import type { AccountStatus } from '../schema.ts';
import { jsonChunks, prepared } from '../prepared.ts';
import { appAccounts, appGroupMembers, identities, memberships } from '../schema.ts';
import type { Page } from './cursor.ts';
import { clampLimit, decodeCursor, toPage } from './cursor.ts';
import type { AppGroupMemberRow, AppGroupRow } from './app-groups.ts';
import { storedAppGroups, toAppGroups } from './app-groups.ts';
import { listMemberships } from './groups.ts';

export type AppAccount = typeof appAccounts.$inferSelect;
export type AccountInput = Pick<AppAccount, 'userId' | 'appId' | 'status'> & Partial<Pick<AppAccount, 'id' | 'externalId' | 'role' | 'attributes' | 'deactivatedAt'>>;

/** The default account id: one account per (app, user). */
export const accountId = (appId: string, userId: string): string => `${appId}:${userId}`;

export async function getAccount(db: Db, userId: string, appId: string): Promise<AppAccount | undefined> {
  const [row] = await db
    .select()
    .from(appAccounts)
    .where(and(eq(appAccounts.userId, userId), eq(appAccounts.appId, appId)))
    .limit(1);
  return row;
}

/**
 * Records accounts as observed in their apps (after a delivery or an app import): inserts new
 * links and replaces the observed fields of known ones, all in one batch.
 */
export async function recordAccounts(db: Db, inputs: readonly AccountInput[], ctx: WriteContext): Promise<void> {
  if (inputs.length === 0) return;
  const rows: AppAccount[] = inputs.map((a) => ({
    id: a.id ?? accountId(a.appId, a.userId),
    userId: a.userId,
    appId: a.appId,
    externalId: a.externalId ?? null,
    status: a.status,
    role: a.role ?? null,
    attributes: a.attributes ?? {},
    observedAt: ctx.at,
    deactivatedAt: a.status === 'deactivated' ? (a.deactivatedAt ?? ctx.at) : null,
  }));
  const event = { ...ctx, type: 'account.observe', data: { accounts: rows.map((r) => ({ userId: r.userId, appId: r.appId, status: r.status })) } };
  await writeWithAudit(db, [event], () =>
    chunkRows(rows, 9, paramLimit(db)).map((chunk) =>
      db
        .insert(appAccounts)
        .values(chunk)
        .onConflictDoUpdate({
          target: [appAccounts.userId, appAccounts.appId],
          set: {
            externalId: rawExcluded('external_id'),
            status: rawExcluded('status'),
            role: rawExcluded('role'),
            attributes: rawExcluded('attributes'),
            observedAt: rawExcluded('observed_at'),
            // Keep the first deactivation time: `deleteAfterDays` counts from it.
            deactivatedAt: rawExcluded(`CASE WHEN excluded.status = 'deactivated' THEN coalesce(app_accounts.deactivated_at, excluded.deactivated_at) ELSE NULL END`, true),
          },
        }),
    ),
  );
}

export async function setAccountStatus(db: Db, userId: string, appId: string, status: AccountStatus, ctx: WriteContext): Promise<Outcome<AppAccount, 'not_found'>> {
  const current = await getAccount(db, userId, appId);
  if (!current) return fail('not_found', `\`${userId}\` has no account in \`${appId}\``);
  const deactivatedAt = status === 'deactivated' ? (current.deactivatedAt ?? ctx.at) : null;
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'account.status', subject: userId, data: { appId, from: current.status, to: status } }], () => [
    db.update(appAccounts).set({ status, deactivatedAt }).where(eq(appAccounts.id, current.id)).returning(),
  ])) as AppAccount[][];
  const row = rows?.[0];
  return row ? ok(row) : fail('not_found', `\`${userId}\` has no account in \`${appId}\``);
}

export async function deleteAccount(db: Db, userId: string, appId: string, ctx: WriteContext): Promise<Outcome<{ id: string }, 'not_found'>> {
  const current = await getAccount(db, userId, appId);
  if (!current) return fail('not_found', `\`${userId}\` has no account in \`${appId}\``);
  await writeWithAudit(db, [{ ...ctx, type: 'account.delete', subject: userId, data: { appId } }], () => [db.delete(appAccounts).where(eq(appAccounts.id, current.id))]);
  return ok({ id: current.id });
}

export interface AccountFilter {
  userId?: string;
  appId?: string;
  status?: AccountStatus;
  limit?: number;
  cursor?: string;
}

export async function listAccounts(db: Db, filter: AccountFilter = {}): Promise<Outcome<Page<AppAccount>, 'bad_cursor'>> {
  const limit = clampLimit(filter.limit);
  const where: SQL[] = [];
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    if (after === undefined) return fail('bad_cursor', `cursor \`${filter.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(gt(appAccounts.id, after));
  }
  if (filter.userId) where.push(eq(appAccounts.userId, filter.userId));
  if (filter.appId) where.push(eq(appAccounts.appId, filter.appId));
  if (filter.status) where.push(eq(appAccounts.status, filter.status));
  const rows = await db.select().from(appAccounts).where(and(...where)).orderBy(asc(appAccounts.id)).limit(limit + 1);
  return ok(toPage(rows, limit, (a) => a.id));
}

/** The engine's view of what exists, for all users or the given ones. */
export async function observedState(db: Db, userIds?: readonly string[]): Promise<ObservedState> {
  if (userIds !== undefined) return observedOfUsers(db, userIds);
  const accounts = (await db.select().from(appAccounts).orderBy(asc(appAccounts.id))).map(toObservedAccount);
  const members = await listMemberships(db);
  const pushed = await storedAppGroups(db);
  return { accounts, memberships: members.map((m) => ({ userId: m.userId, groupId: m.groupId })), ...(pushed.length > 0 ? { appGroups: pushed } : {}) };
}

/** Most users in one page of `observedPage` (one `observedOfUsers` statement). */
export const OBSERVED_PAGE_MAX = 5000;

/**
 * The observed state of one page of users, in user-id order: every user id that is an identity
 * or has an account, a membership or a pushed-group membership (an account with no identity
 * counts in its app's population, which the safety gates read). The pages together are
 * `observedState(db)`, each app group once per page with the members on that page.
 */
export async function observedPage(db: Db, page: { cursor?: string; limit?: number }): Promise<Outcome<Page<string> & { state: ObservedState }, 'bad_cursor'>> {
  const limit = Math.min(OBSERVED_PAGE_MAX, Math.max(1, Math.trunc(page.limit ?? 1000)));
  const after = page.cursor === undefined ? '' : decodeCursor(page.cursor);
  if (after === undefined) return fail('bad_cursor', `cursor \`${(page.cursor ?? '').slice(0, 40)}\` is not one we issued`);
  // Each arm reads its user-id index from `after` on; the compound's ORDER BY … LIMIT merges them.
  const ids = (
    await db
      .select({ id: identities.id })
      .from(identities)
      .where(gt(identities.id, after))
      .union(db.select({ id: appAccounts.userId }).from(appAccounts).where(gt(appAccounts.userId, after)))
      .union(db.select({ id: memberships.userId }).from(memberships).where(gt(memberships.userId, after)))
      .union(db.select({ id: appGroupMembers.userId }).from(appGroupMembers).where(gt(appGroupMembers.userId, after)))
      .orderBy(sql`id`)
      .limit(limit + 1)
  ).map((r) => r.id);
  const { items, nextCursor } = toPage(ids, limit, (id) => id);
  const state = items.length > 0 ? await observedOfUsers(db, items) : { accounts: [], memberships: [] };
  return ok({ items, ...(nextCursor ? { nextCursor } : {}), state });
}

function toObservedAccount(r: Pick<AppAccount, 'userId' | 'appId' | 'status' | 'role' | 'attributes' | 'deactivatedAt'>): ObservedAccount {
  return {
    userId: r.userId,
    appId: r.appId,
    status: r.status,
    ...(r.role !== null ? { role: r.role } : {}),
    attributes: r.attributes,
    ...(r.deactivatedAt !== null ? { deactivatedAt: r.deactivatedAt } : {}),
  };
}

/**
 * Some users' observed state in ONE statement per 5,000 users (100 on D1) (a login reads one user's on
 * every request): their accounts and memberships, every pushed group and their memberships of
 * those, each as a JSON array SQLite builds. Same result as reading the tables one by one.
 */
async function observedOfUsers(db: Db, userIds: readonly string[]): Promise<ObservedState> {
  const query = prepared(db, 'observed.ofUsers', (d) =>
    d
      .select({
        accounts: sql<string>`(SELECT json_group_array(json_array(a.id, a.user_id, a.app_id, a.status, a.role, json(a.attributes), a.deactivated_at)) FROM app_accounts a WHERE a.user_id IN (SELECT value FROM json_each(${sql.placeholder('userIds')})))`,
        memberships: sql<string>`(SELECT json_group_array(json_array(m.user_id, m.group_id)) FROM memberships m WHERE m.user_id IN (SELECT value FROM json_each(${sql.placeholder('userIds')})))`,
        groups: sql<string>`(SELECT json_group_array(json_array(g.app_id, g.group_id, g.name, g.description)) FROM app_groups g)`,
        members: sql<string>`(SELECT json_group_array(json_array(p.app_id, p.group_id, p.user_id)) FROM app_group_members p WHERE p.user_id IN (SELECT value FROM json_each(${sql.placeholder('userIds')})))`,
      })
      .from(sql`(SELECT 1)`)
      .prepare(),
  );
  const rows: { id: string; account: ObservedAccount }[] = [];
  const memberships: ObservedState['memberships'] = [];
  let groups: Omit<AppGroupRow, 'observedAt'>[] = [];
  const members: AppGroupMemberRow[] = [];
  // D1 caps a string at 2 MB, this statement's answer included: there, 100 users' state at a time.
  for (const chunk of jsonChunks(userIds, paramLimit(db) > MAX_PARAMS ? 5000 : 100)) {
    const [row] = await query.all({ userIds: chunk });
    if (!row) continue;
    for (const [id, userId, appId, status, role, attributes, deactivatedAt] of JSON.parse(row.accounts) as [string, string, string, AccountStatus, string | null, AppAccount['attributes'], string | null][]) {
      rows.push({ id, account: toObservedAccount({ userId, appId, status, role, attributes, deactivatedAt }) });
    }
    for (const [userId, groupId] of JSON.parse(row.memberships) as [string, string][]) memberships.push({ userId, groupId });
    groups = (JSON.parse(row.groups) as [string, string, string, string | null][]).map(([appId, groupId, name, description]) => ({ appId, groupId, name, description }));
    for (const [appId, groupId, userId] of JSON.parse(row.members) as [string, string, string][]) members.push({ appId, groupId, userId });
  }
  if (rows.length > 1) rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (memberships.length > 1) memberships.sort((a, b) => a.userId.localeCompare(b.userId) || a.groupId.localeCompare(b.groupId));
  const pushed = groups.length > 0 ? toAppGroups(groups, members) : [];
  return { accounts: rows.map((r) => r.account), memberships, ...(pushed.length > 0 ? { appGroups: pushed } : {}) };
}

function rawExcluded(expression: string, isExpression = false) {
  return sql.raw(isExpression ? expression : `excluded.${expression}`);
}

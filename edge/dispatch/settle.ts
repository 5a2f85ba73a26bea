// Writing a delivery's outcome: the outbox row, the account as the app now holds it, and the
// audit event, in ONE batch (edge/db THE RULE). The outbox update is guarded on `delivering`,
// so an outcome written after a lease was taken back changes nothing twice.
import { and, eq, sql } from 'drizzle-orm';
import type { Action, Json } from '../../engine/types.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, Statement, WriteContext } from '../db/index.ts';
import type { AppAccount } from '../db/repos/accounts.ts';
import { accountId } from '../db/repos/accounts.ts';
import type { OutboxRow } from '../db/repos/runs.ts';
import { appAccounts, appGroupMembers, appGroups, outbox } from '../db/schema.ts';
import type { AccountEffect, AccountState } from '../connectors/types.ts';

export type Settlement =
  | { kind: 'done'; effect: 'applied' | 'already'; account?: AccountEffect; note?: string }
  | { kind: 'retry'; error: string; retryAt: string }
  | { kind: 'dead'; error: string };

/** The account to record after a successful action: the connector's status and id, Roster's attribute names. */
export function accountRecord(row: OutboxRow, link: AppAccount | undefined, effect: AccountEffect | undefined): { removed: true } | { externalId: string | null; status: AccountState; role: string | null; attributes: Record<string, Json> } | undefined {
  const action = row.payload;
  if (action.userId === undefined || action.appId === undefined || !action.type.startsWith('account.')) return undefined;
  if (effect && 'removed' in effect) return { removed: true };
  const base = link?.attributes ?? {};
  let attributes: Record<string, Json> = base;
  if (action.type === 'account.create') attributes = { ...(action.attributes ?? {}) };
  if (action.type === 'account.update') attributes = { ...base, ...Object.fromEntries(Object.entries(action.changes ?? {}).map(([k, c]) => [k, c.to])) };
  const status = effect?.status ?? link?.status;
  if (status === undefined) return undefined;
  return {
    externalId: effect?.externalId ?? link?.externalId ?? null,
    status,
    role: action.role ?? link?.role ?? null,
    attributes,
  };
}

/**
 * What a done group push action leaves in the app, recorded for the planner (schema
 * `app_groups`, `app_group_members`): the group with its name, or one member more or less.
 */
export function appGroupStatements(db: Db, action: Action, at: string): Statement[] {
  const { appId, groupId, userId } = action;
  if (appId === undefined || groupId === undefined) return [];
  if (action.type === 'group.create') {
    const { name, description } = action.attributes ?? {};
    const row = { name: typeof name === 'string' ? name : groupId, description: typeof description === 'string' ? description : null, observedAt: at };
    return [db.insert(appGroups).values({ appId, groupId, ...row }).onConflictDoUpdate({ target: [appGroups.appId, appGroups.groupId], set: row })];
  }
  if (action.type === 'group.update') {
    // Only a group already recorded is updated: a rename never invents a row with a made-up name.
    const { name, description } = action.changes ?? {};
    const set = { ...(typeof name?.to === 'string' ? { name: name.to } : {}), ...(typeof description?.to === 'string' ? { description: description.to } : {}), observedAt: at };
    return [db.update(appGroups).set(set).where(and(eq(appGroups.appId, appId), eq(appGroups.groupId, groupId)))];
  }
  if (userId === undefined) return [];
  if (action.type === 'membership.add') return [db.insert(appGroupMembers).values({ appId, groupId, userId }).onConflictDoNothing()];
  if (action.type === 'membership.remove') return [db.delete(appGroupMembers).where(and(eq(appGroupMembers.appId, appId), eq(appGroupMembers.groupId, groupId), eq(appGroupMembers.userId, userId)))];
  return [];
}

export async function settle(db: Db, row: OutboxRow, link: AppAccount | undefined, outcome: Settlement, ctx: WriteContext): Promise<boolean> {
  const action = row.payload;
  const statements: Statement[] = [];
  const guard = and(eq(outbox.id, row.id), eq(outbox.status, 'delivering'));
  if (outcome.kind === 'done') {
    statements.push(db.update(outbox).set({ status: 'done', lastError: null, updatedAt: ctx.at }).where(guard).returning({ id: outbox.id }));
    const record = accountRecord(row, link, outcome.account);
    if (record && 'removed' in record) statements.push(db.delete(appAccounts).where(and(eq(appAccounts.userId, action.userId as string), eq(appAccounts.appId, action.appId as string))));
    else if (record) {
      const values = {
        id: link?.id ?? accountId(action.appId as string, action.userId as string),
        userId: action.userId as string,
        appId: action.appId as string,
        externalId: record.externalId,
        status: record.status,
        role: record.role,
        attributes: record.attributes,
        observedAt: ctx.at,
        deactivatedAt: record.status === 'deactivated' ? (link?.deactivatedAt ?? ctx.at) : null,
      };
      statements.push(
        db
          .insert(appAccounts)
          .values(values)
          .onConflictDoUpdate({ target: [appAccounts.userId, appAccounts.appId], set: { externalId: values.externalId, status: values.status, role: values.role, attributes: values.attributes, observedAt: values.observedAt, deactivatedAt: values.deactivatedAt } }),
      );
    }
    statements.push(...appGroupStatements(db, action, ctx.at));
  } else {
    const dead = outcome.kind === 'dead';
    statements.push(
      db
        .update(outbox)
        .set({ status: dead ? 'dead' : 'failed', lastError: outcome.error.slice(0, 2000), nextAttemptAt: dead ? sql`${outbox.nextAttemptAt}` : outcome.retryAt, updatedAt: ctx.at })
        .where(guard)
        .returning({ id: outbox.id }),
    );
  }
  const type = outcome.kind === 'done' ? 'action.done' : outcome.kind === 'dead' ? 'action.dead' : 'action.failed';
  const data = {
    type: row.type,
    appId: row.appId,
    userId: row.userId,
    attempts: row.attempts,
    ...(outcome.kind === 'done' ? { effect: outcome.effect, ...(outcome.note ? { note: outcome.note } : {}) } : { error: outcome.error.slice(0, 500) }),
    ...(outcome.kind === 'retry' ? { retryAt: outcome.retryAt } : {}),
  };
  const [updated] = (await writeWithAudit(db, [{ ...ctx, type, subject: row.id, data }], () => statements)) as { id: string }[][];
  return (updated?.length ?? 0) > 0;
}

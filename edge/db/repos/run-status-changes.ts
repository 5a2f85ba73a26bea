// Identity status changes that wait with a held run (a directory import that would deprovision
// more users than the safety thresholds allow, a lifecycle operation, a delete among them).
// Nothing changes while the run is held; the decision applies or drops them in the same batch
// that releases or cancels the run's actions.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, Statement, WriteContext } from '../index.ts';
import { chunkRows, paramLimit } from '../index.ts';
import { identities, runStatusChanges } from '../schema.ts';

export type RunStatusChange = typeof runStatusChanges.$inferSelect;

/** `to_status` of a held delete: approval removes the identity and its memberships. */
export const DELETED = 'DELETED';

/** Inserts the changes a held run carries. */
export function statusChangeInserts(db: Db, changes: readonly RunStatusChange[]): Statement[] {
  return chunkRows(changes, 4, paramLimit(db)).map((chunk) => db.insert(runStatusChanges).values(chunk).onConflictDoNothing());
}

/** A run's changes, each with the user's status now (null when the identity is gone). */
export async function runStatusChangesOf(db: Db, runId: string): Promise<(RunStatusChange & { currentStatus: string | null })[]> {
  return db
    .select({ runId: runStatusChanges.runId, userId: runStatusChanges.userId, fromStatus: runStatusChanges.fromStatus, toStatus: runStatusChanges.toStatus, currentStatus: identities.status })
    .from(runStatusChanges)
    .leftJoin(identities, eq(identities.id, runStatusChanges.userId))
    .where(eq(runStatusChanges.runId, runId));
}

/** Of `userIds`, those a held run will change when approved. */
export async function usersWaitingInHeldRuns(db: Db, userIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunkRows(userIds, 1, paramLimit(db))) {
    for (const row of await db.select({ userId: runStatusChanges.userId }).from(runStatusChanges).where(inArray(runStatusChanges.userId, chunk))) out.add(row.userId);
  }
  return out;
}

/** The held run (if any) whose approval would change `userId`'s status. */
export async function heldRunOf(db: Db, userId: string): Promise<string | undefined> {
  const [row] = await db.select({ runId: runStatusChanges.runId }).from(runStatusChanges).where(eq(runStatusChanges.userId, userId)).limit(1);
  return row?.runId;
}

/** The lifecycle operation that moves a user from one status to another, for the audit log. */
function operationOf(from: string, to: string): string {
  if (to === 'DEPROVISIONED') return 'deactivate';
  if (to === 'SUSPENDED') return 'suspend';
  if (from === 'SUSPENDED') return 'unsuspend';
  return from === 'DEPROVISIONED' ? 'reactivate' : 'activate';
}

/**
 * What a decision on run `runId` does to its status changes: an approval moves each user still
 * in `fromStatus` to `toStatus`, or deletes them with their memberships when `toStatus` is
 * `DELETED` (a user changed meanwhile is left alone), and either decision removes them. With the
 * audit events that record each change.
 */
export function decideStatusChanges(db: Db, runId: string, changes: readonly (RunStatusChange & { currentStatus: string | null })[], decision: 'approve' | 'reject', ctx: WriteContext): { statements: () => Statement[]; events: AuditEvent[] } {
  if (changes.length === 0) return { statements: () => [], events: [] };
  const mine = and(eq(runStatusChanges.runId, runId), sql`${runStatusChanges.userId} = ${identities.id}`);
  const column = (c: typeof runStatusChanges.toStatus | typeof runStatusChanges.fromStatus) => sql`(SELECT ${c} FROM ${runStatusChanges} WHERE ${mine})`;
  // Users whose change is a delete (or not), still in the status the change starts from.
  const users = (deletes: boolean) => db.select({ id: runStatusChanges.userId }).from(runStatusChanges).where(and(eq(runStatusChanges.runId, runId), deletes ? eq(runStatusChanges.toStatus, DELETED) : ne(runStatusChanges.toStatus, DELETED)));
  const unchanged = sql`${identities.status} = ${column(runStatusChanges.fromStatus)}`;
  const statements = (): Statement[] => [
    ...(decision === 'approve'
      ? [
          db
            .update(identities)
            .set({ status: column(runStatusChanges.toStatus), version: sql`${identities.version} + 1`, updatedAt: ctx.at })
            .where(and(inArray(identities.id, users(false)), unchanged)),
          // Their memberships, bindings and SCIM rows go with them (the identity delete triggers).
          db.delete(identities).where(and(inArray(identities.id, users(true)), unchanged)),
        ]
      : []),
    db.delete(runStatusChanges).where(eq(runStatusChanges.runId, runId)),
  ];
  const events: AuditEvent[] =
    decision === 'approve'
      ? changes
          .filter((c) => c.currentStatus === c.fromStatus)
          .map((c) =>
            c.toStatus === DELETED
              ? { ...ctx, type: 'identity.delete', subject: c.userId, data: { operation: 'delete', from: c.fromStatus, to: c.fromStatus, runId, approved: true } }
              : { ...ctx, type: 'identity.lifecycle', subject: c.userId, data: { operation: operationOf(c.fromStatus, c.toStatus), from: c.fromStatus, to: c.toStatus, runId, approved: true } },
          )
      : [];
  return { statements, events };
}

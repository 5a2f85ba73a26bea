// The dispatcher's side of the outbox: find due actions, claim them, record the outcome.
// Claims are conditional UPDATEs, so two dispatchers never deliver the same action at once.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../index.ts';
import { chunkRows, fail, ok, paramLimit } from '../index.ts';
import { outbox } from '../schema.ts';
import type { OutboxRow } from './runs.ts';

const DUE = ['pending', 'failed'] as const;

/** Actions ready to deliver at `now` (pending or failed-and-retry-time-reached), oldest first. */
export async function dueActions(db: Db, now: string, options: { limit?: number; appId?: string } = {}): Promise<OutboxRow[]> {
  const where = [inArray(outbox.status, [...DUE]), lte(outbox.nextAttemptAt, now)];
  if (options.appId) where.push(eq(outbox.appId, options.appId));
  return db
    .select()
    .from(outbox)
    .where(and(...where))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(options.limit ?? 100);
}

/** Marks due actions `delivering`; returns those this caller won (others were claimed meanwhile). */
export async function claimActions(db: Db, ids: readonly string[], now: string): Promise<OutboxRow[]> {
  const claimed: OutboxRow[] = [];
  for (const chunk of chunkRows(ids, 1, paramLimit(db) - 8)) {
    claimed.push(
      ...(await db
        .update(outbox)
        .set({ status: 'delivering', attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
        .where(and(inArray(outbox.id, chunk), inArray(outbox.status, [...DUE]), lte(outbox.nextAttemptAt, now)))
        .returning()),
    );
  }
  return claimed;
}

export async function getAction(db: Db, id: string): Promise<OutboxRow | undefined> {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
  return row;
}

export async function completeAction(db: Db, id: string, ctx: WriteContext): Promise<Outcome<OutboxRow, 'not_found'>> {
  const current = await getAction(db, id);
  if (!current) return fail('not_found', `no action \`${id}\``);
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'action.done', subject: id, data: { type: current.type, userId: current.userId, appId: current.appId, attempts: current.attempts } }], () => [
    db.update(outbox).set({ status: 'done', lastError: null, updatedAt: ctx.at }).where(eq(outbox.id, id)).returning(),
  ])) as OutboxRow[][];
  return rows?.[0] ? ok(rows[0]) : fail('not_found', `no action \`${id}\``);
}

/**
 * Records a failed delivery: retried at `retryAt`, or `dead` (dead-lettered) when no retry is
 * given. The error text is stored as given: connectors must not put secrets in it.
 */
export async function failAction(db: Db, id: string, failure: { error: string; retryAt?: string }, ctx: WriteContext): Promise<Outcome<OutboxRow, 'not_found'>> {
  const current = await getAction(db, id);
  if (!current) return fail('not_found', `no action \`${id}\``);
  const dead = failure.retryAt === undefined;
  const error = failure.error.slice(0, 2000);
  const event = { ...ctx, type: dead ? 'action.dead' : 'action.failed', subject: id, data: { type: current.type, appId: current.appId, attempts: current.attempts, error, retryAt: failure.retryAt ?? null } };
  const [rows] = (await writeWithAudit(db, [event], () => [
    db
      .update(outbox)
      .set({ status: dead ? 'dead' : 'failed', lastError: error, nextAttemptAt: failure.retryAt ?? current.nextAttemptAt, updatedAt: ctx.at })
      .where(eq(outbox.id, id))
      .returning(),
  ])) as OutboxRow[][];
  return rows?.[0] ? ok(rows[0]) : fail('not_found', `no action \`${id}\``);
}

/** Counts by status, for health and reports. */
export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.select({ status: outbox.status, n: sql<number>`count(*)` }).from(outbox).groupBy(outbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

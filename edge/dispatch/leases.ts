// Taking back actions whose dispatcher died mid-delivery. A claim marks an action `delivering`
// with the claim time; one still `delivering` after the lease is made due again. Its effect may
// or may not have reached the app: the connector's lookup-before-write makes the retry safe.
import { and, eq, inArray, lt, notInArray } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { outbox } from '../db/schema.ts';

export async function recoverInterrupted(db: Db, cutoff: string, ctx: WriteContext, exclude: readonly string[] = []): Promise<string[]> {
  const where = [eq(outbox.status, 'delivering'), lt(outbox.updatedAt, cutoff)];
  if (exclude.length > 0 && exclude.length < 500) where.push(notInArray(outbox.id, [...exclude]));
  const stale = await db.select({ id: outbox.id }).from(outbox).where(and(...where)).limit(500);
  if (stale.length === 0) return [];
  const ids = stale.map((r) => r.id).filter((id) => !exclude.includes(id));
  if (ids.length === 0) return [];
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'action.recovered', data: { count: ids.length, cutoff } }], () => [
    db
      .update(outbox)
      .set({ status: 'failed', lastError: 'delivery interrupted (dispatcher stopped); retried with a lookup first', nextAttemptAt: ctx.at, updatedAt: ctx.at })
      .where(and(inArray(outbox.id, ids), eq(outbox.status, 'delivering'), lt(outbox.updatedAt, cutoff)))
      .returning({ id: outbox.id }),
  ])) as { id: string }[][];
  return (rows ?? []).map((r) => r.id);
}

// The producer side: `runtime.enqueue(name, message)` on Workers, and the two things the cron
// sends — outbox actions that are due again, and the shards of a reconciliation.
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { identities, outbox } from '../db/schema.ts';
import type { QueueProducer } from './bindings.ts';
import type { DispatchMessage, QueueName, ReconcileMessage } from './messages.ts';
import { isQueueName, queueSchemas } from './messages.ts';

export type QueueBindings = { [Q in QueueName]: QueueProducer<unknown> };

/**
 * `Runtime.enqueue` over Queues bindings. A message its queue's schema refuses is a bug in the
 * caller: it throws rather than putting a message on the queue that no consumer can read.
 */
export function queueEnqueuer(bindings: QueueBindings): (queue: string, message: unknown) => Promise<void> {
  return async (queue, message) => {
    if (!isQueueName(queue)) throw new Error(`unknown queue \`${queue}\` (known: ${Object.keys(queueSchemas).map((q) => `\`${q}\``).join(', ')})`);
    const parsed = queueSchemas[queue].safeParse(message);
    if (!parsed.success) throw new Error(`a \`${queue}\` message was refused: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    await bindings[queue].send(parsed.data);
  };
}

/** Dispatch messages for `ids`, at most 100 ids each (a queue message stays well under 128 KB). */
export function dispatchMessages(ids: readonly string[], perMessage = 100): DispatchMessage[] {
  const messages: DispatchMessage[] = [];
  for (let i = 0; i < ids.length; i += perMessage) messages.push({ kind: 'dispatch', actionIds: ids.slice(i, i + perMessage) });
  return messages;
}

/**
 * Ids of actions queued since `since` and due at `now`: what one API request planned (a run, a
 * lifecycle operation, a login), handed to the dispatch queue as soon as the request commits.
 */
export async function queuedSince(db: Db, since: string, now: string, limit = 1000): Promise<string[]> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), gte(outbox.updatedAt, since), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Ids of actions due at `now` (pending, or failed and past their retry time), oldest first. */
export async function dueActionIds(db: Db, now: string, limit = 1000): Promise<string[]> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(inArray(outbox.status, ['pending', 'failed']), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Splits the identities into shards of about `shardSize` by id: shard k covers
 * `[fromId, toId)` where the bounds are every `shardSize`-th id. Reads one id per shard.
 */
export async function reconcileShards(db: Db, base: Omit<ReconcileMessage, 'kind' | 'shard' | 'fromId' | 'toId'>, shardSize = 500): Promise<ReconcileMessage[]> {
  const bounds: string[] = [];
  for (let from: string | undefined = undefined; ; ) {
    const [row] = await db
      .select({ id: identities.id })
      .from(identities)
      .where(from === undefined ? undefined : gte(identities.id, from))
      .orderBy(asc(identities.id))
      .limit(1)
      .offset(shardSize);
    if (!row) break;
    bounds.push(row.id);
    from = row.id;
  }
  const [count] = await db.select({ n: sql<number>`count(*)` }).from(identities);
  if (Number(count?.n ?? 0) === 0) return [];
  const edges: (string | undefined)[] = [undefined, ...bounds, undefined];
  return edges.slice(0, -1).map((fromId, shard) => {
    const toId = edges[shard + 1];
    return { kind: 'reconcile', ...base, shard, ...(fromId === undefined ? {} : { fromId }), ...(toId === undefined ? {} : { toId }) };
  });
}

// What the cron does on Workers: hand every due outbox action to the dispatch queue again
// (first deliveries a producer missed, retries whose time has come), then split the
// identities into shards and put one reconcile message per shard on the reconcile queue.
import type { Runtime } from '../runtime.ts';
import { dispatchMessages, dueActionIds, reconcileShards } from './producer.ts';

export interface ScheduledReport {
  dispatched: number;
  shards: number;
  reconcileId: string;
}

export async function scheduledRun(runtime: Runtime, scheduledTime: number, options: { shardSize?: number } = {}): Promise<ScheduledReport> {
  const enqueue = runtime.enqueue;
  if (!enqueue) throw new Error('the scheduled run needs queues (`runtime.enqueue`)');
  const asOf = new Date(scheduledTime).toISOString();
  const due = await dueActionIds(runtime.db, runtime.now());
  for (const message of dispatchMessages(due)) await enqueue('dispatch', message);
  // Named by the scheduled time: a cron fired twice for the same minute plans each shard once.
  const reconcileId = `cron-${asOf}`;
  const shards = await reconcileShards(runtime.db, { reconcileId, asOf, trigger: 'cron' }, options.shardSize);
  for (const message of shards) await enqueue('reconcile', message);
  runtime.log({ level: 'info', msg: 'scheduled run', reconcileId, dispatched: due.length, shards: shards.length });
  return { dispatched: due.length, shards: shards.length, reconcileId };
}

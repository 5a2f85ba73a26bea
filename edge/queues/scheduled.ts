// What the cron does on Workers: hand every due outbox action to the dispatch queue again
// (first deliveries a producer missed, retries whose time has come), then split the
// identities into shards and put one reconcile message per shard on the reconcile queue.
// It also seals connector secrets stored before they were sealed (services/app-secrets.ts).
import type { Runtime } from '../runtime.ts';
import { sealStoredSecrets } from '../services/app-secrets.ts';
import { dispatchMessages, dueActionIds, queuedSince, reconcileShards } from './producer.ts';
import { loggable } from '../http/errors.ts';

export interface ScheduledReport {
  dispatched: number;
  shards: number;
  reconcileId: string;
}

export async function scheduledRun(runtime: Runtime, scheduledTime: number, options: { shardSize?: number } = {}): Promise<ScheduledReport> {
  const enqueue = runtime.enqueue;
  if (!enqueue) throw new Error('the scheduled run needs queues (`runtime.enqueue`)');
  const asOf = new Date(scheduledTime).toISOString();
  await sealStoredSecrets(runtime, { at: runtime.now(), actor: 'cron' });
  const due = await dueActionIds(runtime.db, runtime.now());
  for (const message of dispatchMessages(due)) await enqueue('dispatch', message);
  // Named by the scheduled time: a cron fired twice for the same minute plans each shard once.
  const reconcileId = `cron-${asOf}`;
  const shards = await reconcileShards(runtime.db, { reconcileId, asOf, trigger: 'cron' }, options.shardSize);
  for (const message of shards) await enqueue('reconcile', message);
  runtime.log({ level: 'info', msg: 'scheduled run', reconcileId, dispatched: due.length, shards: shards.length });
  return { dispatched: due.length, shards: shards.length, reconcileId };
}

/**
 * After a request that changed something: its newly queued actions go to the dispatch queue.
 * Never throws: what fails to be enqueued here is still in the outbox for the cron's sweep.
 */
export async function dispatchQueuedSince(runtime: Runtime, since: string): Promise<number> {
  const enqueue = runtime.enqueue;
  if (!enqueue) return 0;
  try {
    const ids = await queuedSince(runtime.db, since, runtime.now());
    for (const message of dispatchMessages(ids)) await enqueue('dispatch', message);
    return ids.length;
  } catch (error) {
    runtime.log({ level: 'error', msg: 'queued actions not enqueued (the cron will)', error: loggable(error) });
    return 0;
  }
}

// One shard of a reconciliation, as the queue consumer runs it: the identities in the shard's
// id range go through the reconcile service (edge/services/reconcile.ts) — planned against the
// active rules and their observed state, written as one run with its outbox actions in one
// batch. The run id derives from the reconciliation and the shard, so a redelivered message
// finds its run and does nothing twice; a shard whose plan would change nothing writes no run
// (every hour, most would be empty). A run that is not held has its actions handed to the
// dispatch queue at once; the cron's outbox sweep catches anything missed.
import { and, asc, gte, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { getRun } from '../db/repos/runs.ts';
import { identities } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { toUser } from '../services/engine.ts';
import { reconcile } from '../services/reconcile.ts';
import type { ReconcileMessage } from './messages.ts';
import { dispatchMessages } from './producer.ts';

export interface ShardOutcome {
  runId: string;
  users: number;
  actions: number;
  status?: string;
  /** Why no run was written: an empty shard, no active rule set, its run already written, nothing to write. */
  skipped?: string;
}

export async function reconcileShard(runtime: Runtime, message: ReconcileMessage): Promise<ShardOutcome> {
  const runId = `${message.reconcileId}.${message.shard}`;
  const range: SQL[] = [];
  if (message.fromId !== undefined) range.push(gte(identities.id, message.fromId));
  if (message.toId !== undefined) range.push(lt(identities.id, message.toId));
  const rows = await runtime.db.select().from(identities).where(and(...range)).orderBy(asc(identities.id));
  const outcome: ShardOutcome = { runId, users: rows.length, actions: 0 };
  if (rows.length === 0) return { ...outcome, skipped: 'empty shard' };
  if (await getRun(runtime.db, runId)) return { ...outcome, skipped: 'run already written' };
  let result: Awaited<ReturnType<typeof reconcile>>;
  try {
    result = await reconcile(runtime, { asOf: message.asOf, users: rows.map(toUser), runId, unlessIdle: true }, { at: runtime.now(), actor: `reconcile:${message.trigger}` });
  } catch (error) {
    // Nothing a retry would change: no rules to plan with, or a concurrent delivery wrote the run.
    if (error instanceof ApiError && (error.code === 'no_active_rule_set' || error.status === 409)) return { ...outcome, skipped: error.message };
    throw error;
  }
  if (result.run === null) return { ...outcome, skipped: 'nothing to write' };
  if (result.run.status === 'planned' && result.queued > 0 && runtime.enqueue) {
    for (const m of dispatchMessages(result.plan.actions.map((a) => a.id))) await runtime.enqueue('dispatch', m);
  }
  return { ...outcome, actions: result.plan.actions.length, status: result.run.status };
}

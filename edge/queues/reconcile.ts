// One shard of a reconciliation, as a queue consumer runs it: the identities in the shard's
// id range are planned against the active rules and the plan is written as one run with its
// outbox actions (one batch). The run id derives from the reconciliation and the shard, so a
// redelivered message finds its run written and does nothing twice. Actions of a run that is
// not held are handed to the dispatch queue at once; the cron's outbox sweep catches the rest.
import { and, asc, gte, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { getActiveRuleSet } from '../db/repos/rule-sets.ts';
import { createRun } from '../db/repos/runs.ts';
import { identities } from '../db/schema.ts';
import type { Runtime } from '../runtime.ts';
import { countActions, heldReasons, loadRuleSet, planUsers, toUser } from '../services/engine.ts';
import type { ReconcileMessage } from './messages.ts';
import { dispatchMessages } from './producer.ts';

export interface ShardOutcome {
  runId?: string;
  users: number;
  actions: number;
  held: boolean;
  /** Why nothing was planned (no active rule set, an empty shard, a run already written). */
  skipped?: string;
}

export async function reconcileShard(runtime: Runtime, message: ReconcileMessage): Promise<ShardOutcome> {
  const { db } = runtime;
  const active = await getActiveRuleSet(db);
  const ruleSet = active && (await loadRuleSet(db, active.version));
  if (!active || !ruleSet) return { users: 0, actions: 0, held: false, skipped: 'no active rule set' };
  const range: SQL[] = [];
  if (message.fromId !== undefined) range.push(gte(identities.id, message.fromId));
  if (message.toId !== undefined) range.push(lt(identities.id, message.toId));
  const rows = await db.select().from(identities).where(and(...range)).orderBy(asc(identities.id));
  if (rows.length === 0) return { users: 0, actions: 0, held: false, skipped: 'empty shard' };
  const { plan } = await planUsers(db, ruleSet, rows.map(toUser), message.asOf);
  const outcome: ShardOutcome = { users: rows.length, actions: plan.actions.length, held: plan.held === true };
  if (plan.actions.length === 0) return outcome;
  const runId = `${message.reconcileId}.${message.shard}`;
  const held = heldReasons(plan);
  const written = await createRun(
    db,
    { id: runId, kind: 'reconcile', status: plan.held ? 'held' : 'planned', ruleSetVersion: active.version, asOf: message.asOf, summary: { trigger: message.trigger, shard: message.shard, users: rows.length, actions: countActions(plan) }, heldReasons: held },
    plan.actions,
    { at: runtime.now(), actor: `reconcile:${message.trigger}` },
  );
  if (!written.ok) return { ...outcome, runId, skipped: 'run already written' };
  runtime.log({ level: 'info', msg: 'reconcile shard planned', runId, users: rows.length, actions: plan.actions.length, held: outcome.held });
  if (!plan.held && runtime.enqueue) {
    for (const m of dispatchMessages(plan.actions.map((a) => a.id))) await runtime.enqueue('dispatch', m);
  }
  return { ...outcome, runId };
}

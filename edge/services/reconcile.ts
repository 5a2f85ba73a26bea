// A reconcile run: every identity against the active rule set and the stored observed state.
// The run and all its actions are written in ONE batch (createRun). A plan the safety gates
// hold is stored `held` with its reasons; its actions wait as `held` (never delivered) until
// an admin approves (→ pending) or rejects (→ cancelled) the run.
import type { Plan, User } from '../../engine/types.ts';
import type { WriteContext } from '../db/index.ts';
import type { Run } from '../db/repos/index.ts';
import { createRun, nothingToWrite, observedState } from '../db/repos/index.ts';
import { ApiError, unwrap } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { countActions, heldReasons, loadRuleSet, planUsers } from './engine.ts';
import { withReadHealth } from '../connectors/sync/import.ts';
import { allUsers } from './users.ts';

export interface ReconcileResult {
  run: Run;
  plan: Plan;
  queued: number;
}

export interface ReconcileOptions {
  asOf?: string;
  /**
   * Only these users (one shard of a queued reconciliation, edge/queues/reconcile.ts), planned
   * against their own observed state; default: every identity against all observed state.
   */
  users?: readonly User[];
  /** The run's id; default a new one. A queued shard derives it from its message. */
  runId?: string;
  /**
   * Write no run when it would change nothing: no action to queue or retire, nothing held,
   * refused or diagnosed. For the hourly shards, which otherwise wrote a run per 500 identities
   * every hour, nearly all empty. A run asked for by an admin, an import or a start is written.
   */
  unlessIdle?: boolean;
}

/** What `reconcile` answers when `unlessIdle` found nothing to write: the plan, and no run. */
export interface IdleReconcile {
  run: null;
  plan: Plan;
  queued: 0;
}

export async function reconcile(runtime: Runtime, options: ReconcileOptions & { unlessIdle?: false }, ctx: WriteContext): Promise<ReconcileResult>;
export async function reconcile(runtime: Runtime, options: ReconcileOptions, ctx: WriteContext): Promise<ReconcileResult | IdleReconcile>;
export async function reconcile(runtime: Runtime, options: ReconcileOptions, ctx: WriteContext): Promise<ReconcileResult | IdleReconcile> {
  const { db } = runtime;
  const ruleSet = await loadRuleSet(db);
  if (!ruleSet) throw new ApiError(409, 'no_active_rule_set', 'no rule set is active: load or upload one and activate it');
  const users = options.users ?? (await allUsers(db));
  const asOf = options.asOf ?? ctx.at;
  const stored = options.users ? await observedState(db, users.map((u) => u.id)) : await observedState(db);
  // An app whose last read came back empty or failed never loses accounts for it (engine safety).
  const observed = await withReadHealth(db, stored);
  const { plan } = await planUsers(db, ruleSet, users, asOf, observed);
  const reasons = heldReasons(plan);
  if (options.unlessIdle && reasons.length === 0 && plan.diagnostics.length === 0 && (plan.refused?.length ?? 0) === 0 && (await nothingToWrite(db, users.map((u) => u.id), plan.actions.map((a) => a.id)))) {
    return { run: null, plan, queued: 0 };
  }
  const summary = { users: users.length, actions: countActions(plan), diagnostics: plan.diagnostics.length, refused: plan.refused?.length ?? 0 };
  const { run, queued } = unwrap(
    await createRun(db, { id: options.runId ?? runtime.newId(), kind: 'reconcile', status: reasons.length > 0 ? 'held' : 'planned', ruleSetVersion: plan.version, asOf: plan.asOf, summary, heldReasons: reasons, plannedUsers: users.map((u) => u.id) }, plan.actions, ctx),
  );
  runtime.log({ level: 'info', msg: 'reconcile run', runId: run.id, status: run.status, users: users.length, actions: plan.actions.length });
  return { run, plan, queued };
}

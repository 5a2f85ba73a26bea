// A reconcile run: every identity against the active rule set and the stored observed state.
// The run and all its actions are written in ONE batch (createRun). A plan the safety gates
// hold is stored `held` with its reasons; its actions wait as `held` (never delivered) until
// an admin approves (→ pending) or rejects (→ cancelled) the run.
import type { Plan } from '../../engine/types.ts';
import type { WriteContext } from '../db/index.ts';
import type { Run } from '../db/repos/index.ts';
import { createRun, observedState } from '../db/repos/index.ts';
import { ApiError, unwrap } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { countActions, heldReasons, loadRuleSet, planUsers } from './engine.ts';
import { allUsers } from './users.ts';

export interface ReconcileResult {
  run: Run;
  plan: Plan;
  queued: number;
}

export async function reconcile(runtime: Runtime, options: { asOf?: string }, ctx: WriteContext): Promise<ReconcileResult> {
  const { db } = runtime;
  const ruleSet = await loadRuleSet(db);
  if (!ruleSet) throw new ApiError(409, 'no_active_rule_set', 'no rule set is active: load or upload one and activate it');
  const users = await allUsers(db);
  const asOf = options.asOf ?? ctx.at;
  const { plan } = await planUsers(db, ruleSet, users, asOf, await observedState(db));
  const reasons = heldReasons(plan);
  const summary = { users: users.length, actions: countActions(plan), diagnostics: plan.diagnostics.length, refused: plan.refused?.length ?? 0 };
  const { run, queued } = unwrap(
    await createRun(db, { id: runtime.newId(), kind: 'reconcile', status: reasons.length > 0 ? 'held' : 'planned', ruleSetVersion: plan.version, asOf: plan.asOf, summary, heldReasons: reasons }, plan.actions, ctx),
  );
  runtime.log({ level: 'info', msg: 'reconcile run', runId: run.id, status: run.status, users: users.length, actions: plan.actions.length });
  return { run, plan, queued };
}

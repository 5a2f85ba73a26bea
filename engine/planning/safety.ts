// Safety gates on a finished plan: refuse removals from apps whose read was empty or failed,
// and hold the plan when an app would lose more than its threshold allows.
import { taskOperation } from '../actions/task-manual.ts';
import { checkSafety, DEFAULT_SAFETY_THRESHOLDS } from '../lifecycle/safety.ts';
import type { SafetyThresholds } from '../lifecycle/safety.ts';
import type { Action, ObservedHealth, ObservedState, Plan, PlanHold, PlanOptions, RuleSet } from '../types.ts';

const verbs: Partial<Record<Action['type'], string>> = {
  'account.suspend': 'suspend',
  'account.deactivate': 'deactivate',
  'account.delete': 'delete',
  'membership.remove': 'remove a membership',
};

export type SafetyVerdict = Required<Pick<Plan, 'held' | 'holds' | 'refused'>> & { actions: Action[] };

/** Thresholds from the options, else per app from app files over the settings' list, else the defaults. */
export function thresholdsFor(ruleSet: RuleSet, options: PlanOptions): SafetyThresholds {
  if (options.safety?.thresholds) return options.safety.thresholds as SafetyThresholds;
  const apps: Record<string, SafetyThresholds['default']> = {};
  for (const app of Object.values(ruleSet.apps)) if (app.source.safety) apps[app.id] = app.source.safety as SafetyThresholds['default'];
  return { default: (ruleSet.settings.safety as SafetyThresholds['default'] | undefined) ?? DEFAULT_SAFETY_THRESHOLDS.default, apps };
}

/**
 * Refused actions leave the plan (with why); thresholds count the actions due at `asOf` (a
 * termination scheduled for next month does not hold today's run). A manual task counts as
 * the account change it stands for.
 */
export function gate(ruleSet: RuleSet, actions: Action[], observed: ObservedState, options: PlanOptions, asOfMs: number): SafetyVerdict {
  const health: Record<string, ObservedHealth> = { ...observed.health, ...options.safety?.observedHealth };
  const population: Record<string, number> = {};
  for (const account of observed.accounts) population[account.appId] = (population[account.appId] ?? 0) + 1;

  // Checked as the change each action stands for; a manual task's stand-in maps back to it.
  const standIns = new Map<Action, Action>();
  const checked = actions.map((action) => {
    const operation = action.type === 'task.manual' ? taskOperation(action) : undefined;
    if (!operation) return action;
    const standIn = { ...action, type: operation };
    standIns.set(standIn, action);
    return standIn;
  });
  const original = (checkedAction: Action): Action => standIns.get(checkedAction) ?? checkedAction;
  // Refusals only happen for apps whose read was not `ok`.
  const unhealthy = Object.values(health).some((h) => h !== 'ok');
  const refusal = unhealthy ? checkSafety(checked, population, { default: [] }, health) : { refused: [], allowed: checked };
  const refused = refusal.refused.map((standIn) => ({
    action: original(standIn),
    reason: `observed state of \`${standIn.appId}\` is ${health[standIn.appId ?? ''] ?? 'unknown'}: an empty or failed read is never a reason to ${verbs[standIn.type] ?? 'remove'}`,
  }));

  const due = refusal.allowed.filter((a) => a.notBefore === undefined || Date.parse(a.notBefore) <= asOfMs);
  const verdict = checkSafety(due, population, thresholdsFor(ruleSet, options), {});
  const holds: PlanHold[] = [];
  for (const hold of verdict.holds) {
    const same = holds.find((h) => h.appId === hold.appId && h.actionTypes.join() === hold.actions.join());
    if (same) same.reasons.push(hold.reason);
    else holds.push({ appId: hold.appId, actionTypes: [...hold.actions], count: hold.count, population: hold.population, reasons: [hold.reason] });
  }
  const allowed = refused.length === 0 ? actions : refusal.allowed.map(original);
  return { actions: allowed, held: holds.length > 0, holds, refused };
}

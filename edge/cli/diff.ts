// What a rule change does to a population: simulate the old and the new rule set against the
// same users, observed state and `asOf`, then compare the two plans by action id. No I/O here:
// `roster diff`, the benchmark and (later) the UI call the same functions.
import { evaluate } from '../../engine/evaluate.ts';
import { plan, planner } from '../../engine/plan.ts';
import type { Action, ActionType, DesiredUser, Diagnostic, EvalContext, ObservedState, Plan, PlanOptions, RuleSet, User } from '../../engine/types.ts';
import { reuser } from './diff-reuse.ts';

/**
 * One side of a diff: the rules' plan and the desired states it came from — everyone's from
 * `simulateSide`, only those of users either side acts on from `simulateBoth` (all a diff reads).
 */
export interface SimulatedSide {
  plan: Plan;
  desired: DesiredUser[];
}

export type ChangeKind = 'added' | 'removed' | 'changed';

/**
 * One difference between the plans. `added`: only the new rules plan it; `removed`: only the
 * old rules did; `changed`: both plan this type for this subject and target, with other values.
 */
export interface ActionChange {
  kind: ChangeKind;
  type: ActionType;
  userId?: string;
  groupId?: string;
  appId?: string;
  /** The rules behind the change: the new action's, else the old one's, else who assigned the target on the other side. */
  rules: string[];
  /** The reason of the action as the new rules plan it (the old one's for `removed`). */
  summary: string;
  before?: Action;
  after?: Action;
}

/** Counts for one target (app, or `group:ID` for memberships without an app) and action type. */
export interface SummaryRow {
  target: string;
  type: ActionType;
  added: number;
  removed: number;
  changed: number;
}

/** One plan as the diff reports it: its version, size, and whether safety gates hold it. */
export interface SideSummary {
  version: string;
  actions: number;
  held: boolean;
  /** Why it is held, and what it refuses (one line each). */
  holds: string[];
}

export interface PlanDiff {
  base: SideSummary;
  head: SideSummary;
  /** Actions both plans hold, identical (same id). */
  unchanged: number;
  summary: SummaryRow[];
  /** Ordered by user (or group), target, type. */
  changes: ActionChange[];
}

export interface RuleSetDiff extends PlanDiff {
  asOf: string;
  users: number;
  /** What the new rules' evaluation and plan reported (compile diagnostics are the caller's). */
  diagnostics: Diagnostic[];
}

export interface DiffInput {
  base: RuleSet;
  head: RuleSet;
  users: readonly User[];
  observed: ObservedState;
  ctx: EvalContext;
  /** Extra overrides and safety settings, the same for both sides. */
  options?: PlanOptions;
}

/** Evaluate and plan one rule set: exactly what `roster simulate` does. */
export function simulateSide(ruleSet: RuleSet, users: readonly User[], observed: ObservedState, ctx: EvalContext, options: PlanOptions = {}): SimulatedSide {
  const desired = evaluate(ruleSet, users, ctx, observed.appGroups ? { appGroups: observed.appGroups } : {});
  return { plan: plan(ruleSet, desired, observed, ctx, options), desired };
}

/** Users evaluated and planned at a time by `simulateBoth`. */
const SLICE = 2048;

/**
 * Both sides, a slice of the population at a time: each slice is evaluated with the old rules,
 * again with the new ones only where a changed assignment rule reaches (edge/cli/diff-reuse.ts;
 * anything else changed means everyone), and planned on both
 * sides; desired states are kept only for users either plan acts on. The plans equal those of
 * `simulateSide` of each rule set, without holding every user's desired state at once (which
 * made a large diff spend its time in the garbage collector).
 */
export function simulateBoth(input: DiffInput, slice = SLICE): { base: SimulatedSide; head: SimulatedSide } {
  const { users, observed, ctx, options } = input;
  const evaluateOptions = observed.appGroups ? { appGroups: observed.appGroups } : {};
  const reuse = reuser(input.base, input.head);
  const basePlanner = planner(input.base, observed, ctx, options);
  const headPlanner = planner(input.head, observed, ctx, options);
  const baseKept: DesiredUser[] = [];
  const headKept: DesiredUser[] = [];
  for (let start = 0; start < users.length; start += slice) {
    const part = users.slice(start, start + slice);
    const baseDesired = evaluate(input.base, part, ctx, evaluateOptions);
    const headDesired = reuse?.(baseDesired, part, ctx, evaluateOptions) ?? evaluate(input.head, part, ctx, evaluateOptions);
    const acted = new Set([...basePlanner.add(baseDesired), ...headPlanner.add(headDesired)]);
    if (acted.size === 0) continue;
    for (let i = 0; i < part.length; i++) {
      if (!acted.has((part[i] as User).id)) continue;
      baseKept.push(baseDesired[i] as DesiredUser);
      headKept.push(headDesired[i] as DesiredUser);
    }
  }
  return { base: { plan: basePlanner.finish(), desired: baseKept }, head: { plan: headPlanner.finish(), desired: headKept } };
}

/** The whole diff: both sides simulated, then compared. */
export function diffRuleSets(input: DiffInput): RuleSetDiff {
  const { base, head } = simulateBoth(input);
  return {
    ...compareSides(base, head),
    asOf: input.ctx.asOf,
    users: input.users.length,
    diagnostics: head.plan.diagnostics,
  };
}

/** Target of an action as the summary counts it. */
export function actionTarget(action: Pick<Action, 'appId' | 'groupId'>): string {
  if (action.appId !== undefined) return action.appId;
  return action.groupId === undefined ? '(none)' : `group:${action.groupId}`;
}

const subjectKey = (a: Action): string => `${a.type}\u0000${a.userId ?? ''}\u0000${a.appId ?? ''}\u0000${a.groupId ?? ''}`;

/**
 * Compares two plans in O(n): a Map by action id finds the identical actions, then the rest
 * are paired by (type, user, app, group) into `changed`, and what is left is added or removed.
 */
export function compareSides(base: SimulatedSide, head: SimulatedSide): PlanDiff {
  const baseById = new Map<string, Action>();
  for (const action of base.plan.actions) baseById.set(action.id, action);
  const headOnly: Action[] = [];
  let unchanged = 0;
  for (const action of head.plan.actions) {
    if (baseById.delete(action.id)) unchanged++;
    else headOnly.push(action);
  }
  // What is left in baseById is only in the old plan; pair it with new actions of the same subject.
  const baseOnlyByKey = new Map<string, Action[]>();
  for (const action of baseById.values()) {
    const key = subjectKey(action);
    const list = baseOnlyByKey.get(key);
    if (list) list.push(action);
    else baseOnlyByKey.set(key, [action]);
  }
  const raw: { kind: ChangeKind; before?: Action; after?: Action }[] = [];
  for (const after of headOnly) {
    const before = baseOnlyByKey.get(subjectKey(after))?.shift();
    raw.push(before ? { kind: 'changed', before, after } : { kind: 'added', after });
  }
  for (const list of baseOnlyByKey.values()) for (const before of list) raw.push({ kind: 'removed', before });

  const attribute = attributor(base.desired, head.desired, raw);
  const changes = raw.map(({ kind, before, after }) => {
    const action = (after ?? before) as Action;
    const change: ActionChange = { kind, type: action.type, rules: attribute(kind, action, before, after), summary: action.reason.summary };
    if (action.userId !== undefined) change.userId = action.userId;
    if (action.groupId !== undefined) change.groupId = action.groupId;
    if (action.appId !== undefined) change.appId = action.appId;
    if (before) change.before = before;
    if (after) change.after = after;
    return change;
  });
  changes.sort(compareChanges);
  return {
    base: sideSummary(base.plan),
    head: sideSummary(head.plan),
    unchanged,
    summary: summarise(changes),
    changes,
  };
}

function sideSummary(result: Plan): SideSummary {
  const holds = (result.holds ?? []).flatMap((hold) => hold.reasons);
  // Refusals counted per app and type (one empty read can refuse thousands), with the first reason.
  const refused = new Map<string, { count: number; reason: string }>();
  for (const { action, reason } of result.refused ?? []) {
    const key = `${action.type} in \`${actionTarget(action)}\``;
    const entry = refused.get(key);
    if (entry) entry.count++;
    else refused.set(key, { count: 1, reason });
  }
  for (const [key, { count, reason }] of refused) holds.push(`refused ${count} ${key}: ${reason}`);
  return { version: result.version, actions: result.actions.length, held: result.held ?? false, holds };
}

type Attribute = (kind: ChangeKind, action: Action, before?: Action, after?: Action) => string[];

/**
 * Which rules caused a change. An action that names its rules says so itself; one caused by the
 * absence of a rule (a deactivation, a removal from a group) is blamed on the rules that gave
 * the user that app or group on the other side. Desired states are indexed only for users
 * with such changes.
 */
function attributor(baseDesired: readonly DesiredUser[], headDesired: readonly DesiredUser[], raw: { before?: Action; after?: Action }[]): Attribute {
  const wanted = new Set<string>();
  for (const { before, after } of raw) {
    const action = after ?? before;
    if (action?.userId !== undefined && (after?.reason.rules.length ?? 0) === 0 && (before?.reason.rules.length ?? 0) === 0) wanted.add(action.userId);
  }
  const index = (desired: readonly DesiredUser[]): Map<string, DesiredUser> => {
    const map = new Map<string, DesiredUser>();
    if (wanted.size === 0) return map;
    for (const user of desired) if (wanted.has(user.userId)) map.set(user.userId, user);
    return map;
  };
  const baseUsers = index(baseDesired);
  const headUsers = index(headDesired);
  return (kind, action, before, after) => {
    const own = after?.reason.rules.length ? after.reason.rules : (before?.reason.rules ?? []);
    if (own.length > 0 || action.userId === undefined) return [...own];
    // Planned on one side only: the other side's desired state says which rules held the target.
    const other = (kind === 'removed' ? headUsers : baseUsers).get(action.userId);
    return other ? rulesHolding(other, action) : [];
  };
}

function rulesHolding(user: DesiredUser, action: Action): string[] {
  if (action.appId !== undefined) return user.accounts.find((a) => a.appId === action.appId)?.because.map((b) => b.ruleId) ?? [];
  if (action.groupId !== undefined) {
    const membership = user.groups.find((g) => g.groupId === action.groupId);
    return membership ? [membership.because.ruleId] : [];
  }
  return [];
}

function summarise(changes: readonly ActionChange[]): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const change of changes) {
    const target = actionTarget(change);
    const key = `${target}\u0000${change.type}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { target, type: change.type, added: 0, removed: 0, changed: 0 }));
    row[change.kind]++;
  }
  return [...rows.values()].sort((a, b) => compareText(a.target, b.target) || compareText(a.type, b.type));
}

function compareChanges(a: ActionChange, b: ActionChange): number {
  return (
    compareText(a.userId ?? a.groupId ?? '', b.userId ?? b.groupId ?? '') ||
    compareText(actionTarget(a), actionTarget(b)) ||
    compareText(a.type, b.type) ||
    compareText(a.kind, b.kind) ||
    compareText((a.after ?? a.before)?.id ?? '', (b.after ?? b.before)?.id ?? '')
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The simulator's state, kept inside the worker: the population, the last plans and their
// diff. Pure functions of the engine plus a little memory; no DOM, so it also runs in tests.
import { compileRules } from '../../../../engine/compile.ts';
import { makeContext } from '../../../../engine/context.ts';
import { evaluate } from '../../../../engine/evaluate.ts';
import { explainUser, renderExplain } from '../../../../engine/explain.ts';
import { planner } from '../../../../engine/plan.ts';
import type { Action, ObservedState, Plan, RuleSet, SourceFile, User } from '../../../../engine/types.ts';
import { compareSides, simulateBoth } from '../../../../edge/cli/diff.ts';
import type { ActionChange, PlanDiff } from '../../../../edge/cli/diff.ts';
import type { ActionFilter, ActionRow, CountRow, DiffRow, SimulationSummary, WorkerRequest, WorkerResult } from './protocol.ts';

const EMPTY_OBSERVED: ObservedState = { accounts: [], memberships: [] };
const MAX_DIAGNOSTICS = 200;

export function toRow(action: Action): ActionRow {
  const row: ActionRow = { id: action.id, type: action.type, summary: action.reason.summary, rules: action.reason.rules };
  if (action.userId !== undefined) row.userId = action.userId;
  if (action.groupId !== undefined) row.groupId = action.groupId;
  if (action.appId !== undefined) row.appId = action.appId;
  if (action.role !== undefined) row.role = action.role;
  if (action.notBefore !== undefined) row.notBefore = action.notBefore;
  return row;
}

/** Tests an action (or change) as it is: a row is built only for what a page shows. */
function matches(item: { type: string; appId?: string; userId?: string; groupId?: string }, summary: string, filter: ActionFilter): boolean {
  if (filter.type && item.type !== filter.type) return false;
  if (filter.appId && item.appId !== filter.appId) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const hay = `${item.userId ?? ''} ${item.groupId ?? ''} ${summary}`.toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

function countByAppAndType(actions: readonly Action[]): CountRow[] {
  const counts = new Map<string, CountRow>();
  for (const action of actions) {
    const appId = action.appId ?? (action.groupId === undefined ? '(none)' : `group:${action.groupId}`);
    const key = `${appId}\u0000${action.type}`;
    const row = counts.get(key);
    if (row) row.count++;
    else counts.set(key, { appId, type: action.type, count: 1 });
  }
  return [...counts.values()].sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function changeRow(change: ActionChange): DiffRow {
  const action = (change.after ?? change.before) as Action;
  return { ...toRow(action), kind: change.kind, summary: change.summary, rules: change.rules };
}

/**
 * What the worker keeps between requests. Only the plans stay: desired states (one profile
 * copy per user) are dropped once planned and compared, and an explanation is computed again
 * for the one user asked about.
 */
export interface SessionState {
  users: User[];
  byId: Map<string, User>;
  observed: ObservedState;
  head?: { ruleSet: RuleSet; plan: Plan; asOf: string };
  base?: { ruleSet: RuleSet; plan: Plan };
  diff?: PlanDiff;
}

export function newSession(): SessionState {
  return { users: [], byId: new Map(), observed: EMPTY_OBSERVED };
}

/** Requests answered synchronously; a population source is read by the worker first. */
export type SessionRequest = Exclude<WorkerRequest, { type: 'population-source' }>;

/** Answers one request; throws an Error with a readable message for bad requests. */
export function handle(state: SessionState, request: SessionRequest, clock: () => number): WorkerResult {
  switch (request.type) {
    case 'population': {
      state.users = request.users;
      state.byId = new Map(request.users.map((u) => [u.id, u]));
      state.observed = request.observed ?? EMPTY_OBSERVED;
      state.head = undefined;
      state.base = undefined;
      state.diff = undefined;
      const held = request.observed ? { observed: { accounts: request.observed.accounts.length, memberships: request.observed.memberships.length } } : {};
      return { type: 'population', users: request.users.length, ...held };
    }
    case 'compile': {
      const out = compileRules(request.files);
      return { type: 'compile', diagnostics: out.diagnostics, version: out.ruleSet.version };
    }
    case 'simulate':
      return { type: 'simulate', summary: simulate(state, request.files, request.baseFiles, request.asOf, clock) };
    case 'actions': {
      const actions = state.head?.plan.actions ?? [];
      const rows: ActionRow[] = [];
      let total = 0;
      for (const action of actions) {
        if (!matches(action, action.reason.summary, request.filter)) continue;
        if (total >= request.offset && rows.length < request.limit) rows.push(toRow(action));
        total++;
      }
      return { type: 'actions', total, rows };
    }
    case 'diff': {
      const changes = state.diff?.changes ?? [];
      const rows: DiffRow[] = [];
      let total = 0;
      for (const change of changes) {
        if (request.filter.kind && change.kind !== request.filter.kind) continue;
        if (!matches(change, change.summary, request.filter)) continue;
        if (total >= request.offset && rows.length < request.limit) rows.push(changeRow(change));
        total++;
      }
      return { type: 'diff', total, rows };
    }
    case 'explain': {
      const side = request.side === 'base' ? state.base : state.head;
      const user = state.byId.get(request.userId);
      if (!side || !state.head) throw new Error('run a simulation first');
      if (!user) throw new Error(`user \`${request.userId}\` is not in the population`);
      const node = explainUser(side.ruleSet, user, state.observed, makeContext(state.head.asOf));
      return { type: 'explain', node, text: renderExplain(node) };
    }
  }
}

/** Users evaluated and planned at a time: desired states never pile up for the whole population. */
const SLICE = 2048;

/** Reasons without traced conditions: an action's why is explained in full when it is opened (`explain`). */
const PLAN_OPTIONS = { matched: false } as const;

function simulate(state: SessionState, files: SourceFile[], baseFiles: SourceFile[] | undefined, asOf: string, clock: () => number): SimulationSummary {
  const started = clock();
  if (Number.isNaN(Date.parse(asOf))) throw new Error(`\`${asOf}\` is not a date and time`);
  const ctx = makeContext(asOf);
  const { users, observed } = state;
  state.head = undefined;
  state.base = undefined;
  state.diff = undefined;
  const compiled = compileRules(files);
  const base = baseFiles ? compileRules(baseFiles) : undefined;
  const compiledAt = clock();
  const timings: SimulationSummary['timings'] = { compileMs: compiledAt - started, totalMs: 0 };
  let head: Plan;
  let diff: PlanDiff | undefined;
  let basePlan: Plan | undefined;
  if (base) {
    // Both versions a slice at a time, the working copy re-evaluating only users a changed
    // assignment rule reaches, as `roster diff` does; then the two plans compared.
    const sides = simulateBoth({ base: base.ruleSet, head: compiled.ruleSet, users, observed, ctx, options: PLAN_OPTIONS }, SLICE);
    const simulatedAt = clock();
    diff = compareSides(sides.base, sides.head);
    head = sides.head.plan;
    basePlan = sides.base.plan;
    timings.bothMs = simulatedAt - compiledAt;
    timings.compareMs = clock() - simulatedAt;
  } else {
    const options = observed.appGroups ? { appGroups: observed.appGroups } : {};
    const planning = planner(compiled.ruleSet, observed, ctx, PLAN_OPTIONS);
    let evaluateMs = 0;
    let planMs = 0;
    for (let start = 0; start < users.length; start += SLICE) {
      const t0 = clock();
      const desired = evaluate(compiled.ruleSet, users.slice(start, start + SLICE), ctx, options);
      const t1 = clock();
      planning.add(desired);
      evaluateMs += t1 - t0;
      planMs += clock() - t1;
    }
    const t2 = clock();
    head = planning.finish();
    timings.evaluateMs = evaluateMs;
    timings.planMs = planMs + (clock() - t2);
  }
  state.head = { ruleSet: compiled.ruleSet, plan: head, asOf };
  const summary: SimulationSummary = {
    version: compiled.ruleSet.version,
    users: users.length,
    actions: head.actions.length,
    counts: countByAppAndType(head.actions),
    diagnostics: head.diagnostics.slice(0, MAX_DIAGNOSTICS),
    compileDiagnostics: compiled.diagnostics.slice(0, MAX_DIAGNOSTICS),
    held: head.held === true,
    holds: head.holds ?? [],
    timings,
  };
  if (base && basePlan && diff) {
    state.base = { ruleSet: base.ruleSet, plan: basePlan };
    state.diff = diff;
    summary.diff = {
      baseVersion: base.ruleSet.version,
      baseActions: basePlan.actions.length,
      unchanged: diff.unchanged,
      changes: diff.changes.length,
      summary: diff.summary.map((row) => ({ ...row })),
      baseErrors: base.diagnostics.filter((d) => d.severity === 'error').length,
    };
  }
  timings.totalMs = clock() - started;
  return summary;
}

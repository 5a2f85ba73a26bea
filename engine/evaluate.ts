// Rules → desired state for each user: group memberships first (later group rules and every
// assignment rule see them as the derived fact `groups`), then accounts, one role per app.
import { buildCandidateIndex, candidatesFor } from './candidates.ts';
import type { CandidateIndex } from './candidates.ts';
import { effectiveDates, effectiveStatus } from './lifecycle/user-dates.ts';
import type {
  CompiledAssignment,
  CompiledCondition,
  CompiledGroup,
  ConditionTrace,
  DesiredAccount,
  DesiredMembership,
  DesiredUser,
  Diagnostic,
  EvalContext,
  Json,
  MatchedRule,
  ObservedAppGroup,
  RuleSet,
  User,
  UserStatus,
} from './types.ts';

/** The status a user has when the source does not say. */
export const DEFAULT_STATUS: UserStatus = 'ACTIVE';

/**
 * What the rules say one user should have. Never throws: a failing expression is a diagnostic.
 *
 * Conditions are decided with `test`; the trace of a matched rule (`MatchedRule.trace`) is
 * computed the first time it is read, so users whose plan needs no reason never pay for it.
 * It reads the profile it was given: do not mutate users between evaluating and planning.
 * (`JSON.stringify` includes traces; `structuredClone` of a DesiredUser drops them.)
 */
export function evaluateUser(ruleSet: RuleSet, user: User, ctx: EvalContext, options: EvaluateOptions = {}): DesiredUser {
  // A view, so the caller's profile is never touched; skipped when nothing can read `groups`.
  // `groups` is replaced, never pushed to, so each trace sees the array its rule saw.
  const prepared = prepare(ruleSet);
  const view: User = prepared.readsGroups ? { ...user, groups: NO_GROUPS } : user;
  const memberships: DesiredMembership[] = [];
  // Imported groups first: the app decides their members, and every rule may read them.
  const imported = options.appGroups && ruleSet.importedGroups?.length ? importedMemberships(ruleSet, options.appGroups, user.id) : undefined;
  if (imported) {
    memberships.push(...imported);
    view.groups = imported.map((m) => m.groupId);
  }
  const assigned = prepared.readsGroups ? options.assignedGroups?.get(user.id) : undefined;
  if (assigned && assigned.length > 0) view.groups = [...(view.groups as string[]), ...assigned];
  for (const group of ruleSet.groups) {
    if (!group.condition.test(view, ctx)) continue;
    memberships.push({ groupId: group.id, because: matchedGroup(group, view, ctx) });
    view.groups = [...(view.groups as string[]), group.id];
  }

  const diagnostics: Diagnostic[] = [];
  const dates = effectiveDates(ruleSet, user, ctx, diagnostics);
  let accounts: DesiredAccount[] | undefined;
  // Only rules that could match this profile are tested (in rule order); the rest cannot.
  const candidates = candidatesFor(prepared.candidates, view);
  for (let k = 0; k < candidates.length; k++) {
    const rule = ruleSet.assignments[candidates[k] as number] as CompiledAssignment;
    if (!rule.condition.test(view, ctx)) continue;
    const because = matchedAssignment(rule, view, ctx);
    accounts ??= [];
    for (const target of rule.targets) {
      const existing = findApp(accounts, target.app);
      if (existing) {
        // Rules come highest priority first, so the first rule to reach an app owns its role.
        // (A rule naming one app twice is counted once.)
        if (existing.because[existing.because.length - 1] !== because) existing.because.push(because);
        continue;
      }
      const account = desiredAccount(ruleSet, rule, target, because, view, ctx, diagnostics);
      if (account) insertByAppId(accounts, account);
    }
  }

  const desired: DesiredUser = {
    userId: user.id,
    status: effectiveStatus(user.status ?? DEFAULT_STATUS, dates),
    accounts: accounts ?? [],
    groups: memberships,
    diagnostics,
    profile: user,
  };
  if (dates) desired.dates = dates;
  return desired;
}

export interface EvaluateOptions {
  /** Groups as the apps hold them: members of imported groups (group sync) come from here. */
  appGroups?: readonly ObservedAppGroup[];
  /**
   * Groups given outside the rules (pushed by an IdP over SCIM, set by an admin), by user id.
   * Rules read them through `groups` like any other; the plan never adds or removes them.
   */
  assignedGroups?: ReadonlyMap<string, readonly string[]>;
}

/** Desired state for a population, in the order given. */
export function evaluate(ruleSet: RuleSet, users: readonly User[], ctx: EvalContext, options: EvaluateOptions = {}): DesiredUser[] {
  const out: DesiredUser[] = new Array(users.length);
  for (let i = 0; i < users.length; i++) out[i] = evaluateUser(ruleSet, users[i] as User, ctx, options);
  return out;
}

/** Members of imported groups by user, built once per rule set and observed list (a cache: same answer either way). */
const importIndexes = new WeakMap<RuleSet, WeakMap<readonly ObservedAppGroup[], Map<string, DesiredMembership[]>>>();

function importedMemberships(ruleSet: RuleSet, appGroups: readonly ObservedAppGroup[], userId: string): DesiredMembership[] | undefined {
  let byList = importIndexes.get(ruleSet);
  if (byList === undefined) importIndexes.set(ruleSet, (byList = new WeakMap()));
  let index = byList.get(appGroups);
  if (index === undefined) {
    index = new Map();
    for (const mapping of ruleSet.importedGroups ?? []) {
      const source = appGroups.find((g) => g.appId === mapping.appId && (g.externalId === mapping.appGroup || g.name === mapping.appGroup));
      if (!source) continue;
      const trace: ConditionTrace = { type: 'leaf', fact: `${mapping.appId}.groups`, operator: 'contains', value: mapping.appGroup, seen: source.name, result: true };
      const because: MatchedRule = { ruleId: `import:${mapping.appId}`, kind: 'import', priority: 0, trace };
      for (const member of new Set(source.members)) {
        const list = index.get(member) ?? [];
        list.push({ groupId: mapping.groupId, because });
        index.set(member, list);
      }
    }
    byList.set(appGroups, index);
  }
  return index.get(userId);
}

const NO_GROUPS: readonly string[] = Object.freeze([]);

interface Prepared {
  /** Whether anything reads the derived fact `groups`: if not, the profile is used as is. */
  readsGroups: boolean;
  candidates: CandidateIndex;
}

// Derived once per rule set. A rule set is immutable, so this is a cache, not state: the
// answer is the same whether it is remembered or recomputed.
const preparedRuleSets = new WeakMap<RuleSet, Prepared>();

function prepare(ruleSet: RuleSet): Prepared {
  let prepared = preparedRuleSets.get(ruleSet);
  if (prepared === undefined) {
    prepared = {
      readsGroups: ruleSet.groups.length > 0 || (ruleSet.importedGroups?.length ?? 0) > 0 || ruleSet.assignments.some((rule) => rule.condition.facts.includes('groups')),
      candidates: buildCandidateIndex(ruleSet.assignments.map((rule) => rule.source.when)),
    };
    preparedRuleSets.set(ruleSet, prepared);
  }
  return prepared;
}

/**
 * A matched rule whose trace is computed on first read. A class, not a literal with a getter:
 * creating accessor literals is several times slower, and this runs for every match of every
 * user. `toJSON` keeps it serialisable; `trace` reads as a plain property.
 */
class LazyMatch implements MatchedRule {
  readonly ruleId: string;
  readonly kind: MatchedRule['kind'];
  readonly priority: number;
  #condition: CompiledCondition;
  #view: User;
  #ctx: EvalContext;
  #groups: unknown;
  #trace: ConditionTrace | undefined;

  constructor(rule: CompiledAssignment | CompiledGroup, kind: MatchedRule['kind'], view: User, ctx: EvalContext) {
    this.ruleId = rule.id;
    this.kind = kind;
    this.priority = rule.priority;
    this.#condition = rule.condition;
    this.#view = view;
    this.#ctx = ctx;
    // Group rules run while `view.groups` grows (by replacement): remember what this one saw.
    this.#groups = view.groups;
    this.#trace = undefined;
  }

  get trace(): ConditionTrace {
    if (this.#trace === undefined) {
      const view = this.#view.groups === this.#groups ? this.#view : { ...this.#view, groups: this.#groups };
      this.#trace = this.#condition.trace(view, this.#ctx);
    }
    return this.#trace;
  }

  toJSON(): MatchedRule {
    return { ruleId: this.ruleId, kind: this.kind, priority: this.priority, trace: this.trace };
  }
}

function matchedAssignment(rule: CompiledAssignment, view: User, ctx: EvalContext): MatchedRule {
  return new LazyMatch(rule, 'assignment', view, ctx);
}

function matchedGroup(rule: CompiledGroup, view: User, ctx: EvalContext): MatchedRule {
  return new LazyMatch(rule, 'group', view, ctx);
}

function findApp(accounts: DesiredAccount[], appId: string): DesiredAccount | undefined {
  for (const account of accounts) if (account.appId === appId) return account;
  return undefined;
}

function desiredAccount(
  ruleSet: RuleSet,
  rule: CompiledAssignment,
  target: CompiledAssignment['targets'][number],
  because: MatchedRule,
  view: User,
  ctx: EvalContext,
  diagnostics: Diagnostic[],
): DesiredAccount | undefined {
  const app = ruleSet.apps[target.app];
  if (!app) {
    diagnostics.push({
      code: 'unknown-app',
      severity: 'error',
      message: `rule \`${rule.id}\` assigns unknown app \`${target.app}\`: no account for user \`${view.id}\``,
      file: rule.file,
      line: rule.line,
      ruleId: rule.id,
    });
    return undefined;
  }
  // Most targets map nothing: they share one frozen empty record instead of two new objects each.
  if (target.mappings.length === 0) {
    return target.role === undefined
      ? { appId: app.id, attributes: NO_ATTRIBUTES, createOnly: NO_NAMES, because: [because] }
      : { appId: app.id, role: target.role, attributes: NO_ATTRIBUTES, createOnly: NO_NAMES, because: [because] };
  }
  const attributes: Record<string, Json> = {};
  const createOnly: string[] = [];
  // The compiler gives each target its effective mappings: the app's, with the assignment's
  // own expressions replacing those of the same name.
  for (const mapping of target.mappings) {
    const result = mapping.evaluate(view, app.source, ctx);
    if (result.ok) {
      attributes[mapping.name] = result.value;
      if (mapping.createOnly) createOnly.push(mapping.name);
      continue;
    }
    // Blame the document the expression is written in (only looked up on failure).
    const own = !app.mappings.some((m) => m.name === mapping.name && m.expr === mapping.expr);
    diagnostics.push({
      code: 'expression-failed',
      severity: 'error',
      message: `attribute \`${mapping.name}\` of app \`${app.id}\` for user \`${view.id}\` left out: ${result.error}`,
      file: own ? rule.file : app.file,
      line: own ? rule.line : app.line,
      ruleId: own ? rule.id : app.id,
    });
  }
  createOnly.sort();
  return target.role === undefined
    ? { appId: app.id, attributes, createOnly, because: [because] }
    : { appId: app.id, role: target.role, attributes, createOnly, because: [because] };
}

const NO_ATTRIBUTES = Object.freeze({}) as Record<string, Json>;
const NO_NAMES = Object.freeze([]) as unknown as string[];

/**
 * Keeps a user's few accounts ordered by app id as they are found (`Array.prototype.sort`
 * allocates a work array per call: a third of what evaluation allocated). App ids are unique here.
 */
function insertByAppId(accounts: DesiredAccount[], account: DesiredAccount): void {
  let i = accounts.length;
  accounts.push(account);
  while (i > 0 && (accounts[i - 1] as DesiredAccount).appId > account.appId) {
    accounts[i] = accounts[i - 1] as DesiredAccount;
    i--;
  }
  accounts[i] = account;
}

// Rules → desired state for each user: group memberships first (later group rules and every
// assignment rule see them as the derived fact `groups`), then accounts, one role per app.
import type {
  CompiledAssignment,
  CompiledGroup,
  DesiredAccount,
  DesiredMembership,
  DesiredUser,
  Diagnostic,
  EvalContext,
  Json,
  MatchedRule,
  RuleSet,
  User,
  UserStatus,
} from './types.ts';

/** The status a user has when the source does not say. */
export const DEFAULT_STATUS: UserStatus = 'ACTIVE';

/** What the rules say one user should have. Never throws: a failing expression is a diagnostic. */
export function evaluateUser(ruleSet: RuleSet, user: User, ctx: EvalContext): DesiredUser {
  // A view, so the caller's profile is never touched. `groups` is replaced, never pushed to,
  // as group rules match: traces hold the very array they saw.
  const view: User = { ...user, groups: [] };
  const memberships: DesiredMembership[] = [];
  for (const group of ruleSet.groups) {
    if (!group.condition.test(view, ctx)) continue;
    // Traced now, while `groups` holds exactly what this rule could see.
    memberships.push({ groupId: group.id, because: matchedRule(group, 'group', view, ctx) });
    view.groups = [...(view.groups as string[]), group.id];
  }

  const diagnostics: Diagnostic[] = [];
  let accounts: Map<string, DesiredAccount> | undefined;
  for (const rule of ruleSet.assignments) {
    if (!rule.condition.test(view, ctx)) continue;
    const because = matchedRule(rule, 'assignment', view, ctx);
    accounts ??= new Map();
    for (const target of rule.targets) {
      const existing = accounts.get(target.app);
      if (existing) {
        // Rules come highest priority first, so the first rule to reach an app owns its role.
        // (A rule naming one app twice is counted once.)
        if (existing.because[existing.because.length - 1] !== because) existing.because.push(because);
        continue;
      }
      const account = desiredAccount(ruleSet, rule, target, because, view, ctx, diagnostics);
      if (account) accounts.set(target.app, account);
    }
  }

  return {
    userId: user.id,
    status: user.status ?? DEFAULT_STATUS,
    accounts: accounts ? [...accounts.values()].sort(byAppId) : [],
    groups: memberships,
    diagnostics,
  };
}

/** Desired state for a population, in the order given. */
export function evaluate(ruleSet: RuleSet, users: readonly User[], ctx: EvalContext): DesiredUser[] {
  const out: DesiredUser[] = new Array(users.length);
  for (let i = 0; i < users.length; i++) out[i] = evaluateUser(ruleSet, users[i] as User, ctx);
  return out;
}

function matchedRule(rule: CompiledAssignment | CompiledGroup, kind: MatchedRule['kind'], view: User, ctx: EvalContext): MatchedRule {
  return { ruleId: rule.id, kind, priority: rule.priority, trace: rule.condition.trace(view, ctx) };
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

function byAppId(a: DesiredAccount, b: DesiredAccount): number {
  return a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0;
}

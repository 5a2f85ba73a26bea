// Reusing the old side's evaluation for the new side of a diff. A user's desired state depends
// on the groups, apps, settings and policies (compared whole here) and on the assignment rules
// that match them. If only assignment rules changed, a user that no changed rule matches (in
// its old or its new form) matches the same unchanged rules in the same order on both sides:
// its desired state is the same, and only the users a changed rule reaches are evaluated again.
import { evaluateUser } from '../../engine/evaluate.ts';
import type { EvaluateOptions } from '../../engine/evaluate.ts';
import type { CompiledAssignment, DesiredUser, EvalContext, RuleSet, User } from '../../engine/types.ts';

/** Where a rule was written is not what it does: moving a rule within a file changes nothing. */
const stable = (value: unknown): string => JSON.stringify(value, (key, v: unknown) => (key === 'file' || key === 'line' ? undefined : v));

/**
 * The assignment rules that differ between the two sets (added, removed or edited, old and new
 * forms both), or undefined when something other than assignment rules differs.
 */
export function changedAssignments(base: RuleSet, head: RuleSet): CompiledAssignment[] | undefined {
  try {
    const rest = (ruleSet: RuleSet): string => stable({ ...ruleSet, version: undefined, assignments: undefined });
    if (rest(base) !== rest(head)) return undefined;
    const before = new Map(base.assignments.map((rule) => [rule.id, stable(rule)]));
    const after = new Map(head.assignments.map((rule) => [rule.id, stable(rule)]));
    return [...base.assignments.filter((rule) => after.get(rule.id) !== before.get(rule.id)), ...head.assignments.filter((rule) => before.get(rule.id) !== after.get(rule.id))];
  } catch {
    // Something in a compiled rule set that JSON cannot hold: compare nothing, evaluate everyone.
    return undefined;
  }
}

/**
 * The new side's desired states for a slice of users: the old side's, except for the users a
 * changed rule matches, who are evaluated with the new rules; undefined when everyone must be.
 * `baseDesired` is `evaluate(base, users, …)`: one entry per user, in the same order.
 */
export type Reuser = (baseDesired: readonly DesiredUser[], users: readonly User[], ctx: EvalContext, options: EvaluateOptions) => DesiredUser[] | undefined;

/** Compares the rule sets once; undefined when everyone must be evaluated with the new rules. */
export function reuser(base: RuleSet, head: RuleSet): Reuser | undefined {
  const changed = changedAssignments(base, head);
  if (changed === undefined) return undefined;
  const readsGroups = changed.some((rule) => rule.condition.facts.includes('groups'));
  return (baseDesired, users, ctx, options) => {
    if (baseDesired.length !== users.length) return undefined;
    const desired = baseDesired.slice();
    if (changed.length === 0) return desired;
    for (let i = 0; i < users.length; i++) {
      const user = users[i] as User;
      const old = baseDesired[i] as DesiredUser;
      if (old.userId !== user.id) return undefined;
      // Groups are the same on both sides (group rules did not change): the old memberships are the fact.
      const view = readsGroups ? { ...user, groups: old.groups.map((g) => g.groupId) } : user;
      if (changed.some((rule) => rule.condition.test(view, ctx))) desired[i] = evaluateUser(head, user, ctx, options);
    }
    return desired;
  };
}

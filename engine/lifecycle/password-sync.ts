// Which password policy a user gets, and what a password change does: one `password.set` per
// account in an app that syncs passwords. The engine never sees the password: the edge seals
// it (encrypts it for the dispatcher, or stores it and passes a reference) before calling here.
import { policyReason } from '../actions/reasons.ts';
import { actionId } from '../ids.ts';
import type { Action, CompiledPasswordPolicy, DesiredUser, EvalContext, ObservedState, Plan, RuleSet, User } from '../types.ts';

/** A user as the policy sees them: the profile and the groups they are in. */
export interface PasswordSubject {
  user: User;
  groups?: readonly string[];
}

/**
 * The policy for a user: the first, by priority then id, whose `when` holds (if it has one)
 * and who is in one of its `groups` (if it lists any). A policy with neither applies to
 * everyone. A DesiredUser is read through the profile it was evaluated from and its groups.
 */
export function policyForUser(ruleSet: RuleSet, subject: DesiredUser | PasswordSubject, ctx: EvalContext): CompiledPasswordPolicy | undefined {
  const { user, groups } = toSubject(subject);
  const view: User = { ...user, groups: [...groups] };
  for (const policy of ruleSet.passwordPolicies ?? []) {
    if (policy.groups.length > 0 && !policy.groups.some((g) => groups.includes(g))) continue;
    if (policy.condition && !policy.condition.test(view, ctx)) continue;
    return policy;
  }
  return undefined;
}

function toSubject(subject: DesiredUser | PasswordSubject): { user: User; groups: readonly string[] } {
  if ('user' in subject) return { user: subject.user, groups: subject.groups ?? (Array.isArray(subject.user.groups) ? (subject.user.groups as string[]) : []) };
  return { user: subject.profile ?? { id: subject.userId, status: subject.status }, groups: subject.groups.map((g) => g.groupId) };
}

export interface SealedPassword {
  /** Opaque: ciphertext or a reference the dispatcher can resolve. Never the password itself. */
  sealed: string;
  /** When the user changed it (ISO-8601): part of the action id, so each change is its own action. */
  changedAt: string;
}

/**
 * One `password.set` per account of the user (active or suspended, not deactivated) in an app
 * whose file says `passwordSync: true`. Nothing for a user who is not ACTIVE.
 */
export function planPasswordChange(ruleSet: RuleSet, user: DesiredUser, observed: ObservedState, change: SealedPassword, ctx: EvalContext): Plan {
  const actions: Action[] = [];
  const diagnostics: Plan['diagnostics'] = [];
  if (user.status !== 'ACTIVE') {
    diagnostics.push({ code: 'password.user-not-active', severity: 'warning', message: `user \`${user.userId}\` is \`${user.status}\`: the password change is not pushed to any app` });
  } else {
    const seen = new Set<string>();
    for (const account of observed.accounts) {
      if (account.userId !== user.userId || account.status === 'deactivated' || seen.has(account.appId)) continue;
      seen.add(account.appId);
      const app = ruleSet.apps[account.appId];
      if (!app || app.source.passwordSync !== true) continue;
      const payload = { type: 'password.set' as const, userId: user.userId, appId: app.id, attributes: { sealed: change.sealed, changedAt: change.changedAt } };
      const reason = policyReason(`the user changed their password at \`${change.changedAt}\`; app \`${app.id}\` syncs passwords`, ruleSet.version);
      actions.push({ id: actionId(payload), ...payload, reason });
    }
    actions.sort((a, b) => ((a.appId ?? '') < (b.appId ?? '') ? -1 : 1));
  }
  return { version: ruleSet.version, asOf: ctx.asOf, actions, diagnostics, held: false, holds: [], refused: [] };
}

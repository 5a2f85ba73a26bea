// Admin resets and users' own changes. The policy for the user (engine) lists EVERY violation;
// an accepted password is stored only as a scrypt hash (the previous hash joins the history)
// and reaches apps with password sync as sealed `password.set` actions, all in ONE batch.
import { eq, sql } from 'drizzle-orm';
import { makeContext } from '../../engine/context.ts';
import { evaluateUser } from '../../engine/evaluate.ts';
import { actionId } from '../../engine/ids.ts';
import { policyAppliesToGroups, selectPasswordPolicy } from '../../engine/lifecycle/password-policy.ts';
import type { PasswordPolicy, PasswordViolation } from '../../engine/lifecycle/password-policy.ts';
import { validatePassword } from '../../engine/lifecycle/validate-password.ts';
import type { PasswordHistoryEntry } from '../../engine/lifecycle/validate-password.ts';
import type { Action, CompiledPasswordPolicy, RuleSet, User } from '../../engine/types.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Statement, WriteContext } from '../db/index.ts';
import { isConstraintError } from '../db/index.ts';
import type { Identity, Run } from '../db/repos/index.ts';
import { getIdentity, observedState } from '../db/repos/index.ts';
import { identities } from '../db/schema.ts';
import { ApiError, conflict, notFound } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { loadRuleSet, toUser } from './engine.ts';
import { seal } from './passwords.ts';
import { newRun, runEvent, runStatements } from './run-writes.ts';

/** Applies when no rule-set policy matches the user. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 12, commonPasswordCheck: true, excludeUsernameParts: true };
/** Previous hashes kept for the history rule (the policy's `historyCount` is at most 100). */
const HISTORY_KEPT = 24;

export type PasswordMode = 'reset' | 'change';

export interface PasswordResult {
  user: Identity;
  policy: string | null;
  run: Run | null;
  actions: Action[];
}

/** The user's policy: the first by priority whose `when` matches or whose `groups` hold the user. */
export function policyFor(ruleSet: RuleSet | undefined, user: User, asOf: string): { id: string | null; policy: PasswordPolicy } {
  const policies = ruleSet?.passwordPolicies ?? [];
  if (!ruleSet || policies.length === 0) return { id: null, policy: DEFAULT_PASSWORD_POLICY };
  const ctx = makeContext(asOf);
  const groups = evaluateUser(ruleSet, user, ctx).groups.map((g) => g.groupId);
  const matches = (p: CompiledPasswordPolicy): boolean => {
    const byCondition = p.condition ? p.condition.test(user, ctx) : undefined;
    const byGroups = p.groups.length > 0 ? policyAppliesToGroups(p, groups) : undefined;
    if (byCondition === undefined && byGroups === undefined) return true;
    return byCondition === true || byGroups === true;
  };
  const chosen = selectPasswordPolicy(policies, matches);
  return chosen ? { id: chosen.id, policy: chosen.source } : { id: null, policy: DEFAULT_PASSWORD_POLICY };
}

export async function setPassword(runtime: Runtime, id: string, input: { password: string; current?: string; mode: PasswordMode }, ctx: WriteContext): Promise<PasswordResult> {
  const { db } = runtime;
  const identity = await getIdentity(db, id);
  if (!identity) throw notFound(`no user \`${id}\``);
  if (input.mode === 'change' && (identity.passwordHash === null || !(await runtime.verifyPassword(input.current ?? '', identity.passwordHash)))) {
    throw new ApiError(422, 'invalid_password', 'the current password is wrong', { violations: [{ code: 'password.current-mismatch', message: 'the current password is wrong' }] });
  }
  const ruleSet = await loadRuleSet(db);
  const user = toUser(identity);
  const { id: policyId, policy } = policyFor(ruleSet, user, ctx.at);
  const violations = await check(runtime, identity, user, policy, input, ctx.at);
  if (violations.length > 0) {
    const list = violations.map((v) => `password ${v.message}`);
    throw new ApiError(422, 'invalid_password', list.join('; '), { policy: policyId, violations });
  }

  const hash = await runtime.hashPassword(input.password);
  const history = identity.passwordHash === null ? identity.passwordHistory : [identity.passwordHash, ...identity.passwordHistory].slice(0, HISTORY_KEPT);
  const actions = ruleSet ? await syncActions(runtime, ruleSet, identity.id, input, policyId) : [];
  const run = actions.length > 0 && ruleSet ? newRun({ id: runtime.newId(), kind: 'lifecycle', status: 'planned', ruleSetVersion: ruleSet.version, asOf: ctx.at, summary: { operation: `password.${input.mode}`, userId: id, actions: { 'password.set': actions.length } } }, ctx.at) : null;
  const events: AuditEvent[] = [{ ...ctx, type: `identity.password.${input.mode}`, subject: id, data: { policy: policyId, synced: actions.map((a) => a.appId ?? '') } }];
  if (run) events.push(runEvent(run, actions, ctx));
  const next: Identity = { ...identity, passwordHash: hash, passwordChangedAt: ctx.at, passwordHistory: history, version: identity.version + 1, updatedAt: ctx.at };
  const statements = (): Statement[] => [
    db
      .update(identities)
      .set({ passwordHash: hash, passwordChangedAt: ctx.at, passwordHistory: history, version: sql`CASE WHEN ${identities.version} = ${identity.version} THEN ${next.version} ELSE NULL END`, updatedAt: ctx.at })
      .where(eq(identities.id, id)),
    ...(run ? runStatements(db, run, actions, ctx.at) : []),
  ];
  try {
    await writeWithAudit(db, events, statements);
  } catch (error) {
    if (isConstraintError(error, 'identities.version')) throw conflict(`user \`${id}\` changed meanwhile: try again`);
    throw error;
  }
  return { user: next, policy: policyId, run, actions };
}

async function check(runtime: Runtime, identity: Identity, user: User, policy: PasswordPolicy, input: { password: string; mode: PasswordMode }, asOf: string): Promise<PasswordViolation[]> {
  const history: PasswordHistoryEntry[] = [
    ...(identity.passwordHash !== null ? [{ hash: identity.passwordHash, ...(identity.passwordChangedAt !== null ? { changedAt: identity.passwordChangedAt } : {}) }] : []),
    ...identity.passwordHistory.map((hash) => ({ hash })),
  ];
  // Hash checks are async (scrypt); the engine's matcher is sync, so match first.
  const reused = new Set<string>();
  for (const entry of history.slice(0, policy.historyCount ?? 0)) {
    if (await runtime.verifyPassword(input.password, entry.hash)) reused.add(entry.hash);
  }
  const violations = validatePassword(policy, user, input.password, history, makeContext(asOf), (_candidate, entry) => reused.has(entry.hash));
  // The minimum age stops users from cycling through the history, not an admin's reset.
  return input.mode === 'reset' ? violations.filter((v) => v.code !== 'password.too-soon') : violations;
}

/** One sealed `password.set` per app with password sync where the user has a live account. */
async function syncActions(runtime: Runtime, ruleSet: RuleSet, userId: string, input: { password: string; mode: PasswordMode }, policyId: string | null): Promise<Action[]> {
  const observed = await observedState(runtime.db, [userId]);
  const actions: Action[] = [];
  for (const account of observed.accounts) {
    const app = ruleSet.apps[account.appId];
    if (!app?.source.passwordSync || account.status === 'deactivated') continue;
    const sealed = await seal(runtime.sealKey, input.password, `${userId}:${account.appId}`);
    const payload = { type: 'password.set' as const, userId, appId: account.appId, attributes: { password: { sealed } } };
    actions.push({
      ...payload,
      id: actionId(payload),
      reason: {
        summary: `password ${input.mode === 'reset' ? 'reset by an admin' : 'changed by the user'}: \`${account.appId}\` syncs passwords`,
        rules: policyId ? [policyId] : [],
        version: ruleSet.version,
        matched: [],
      },
    });
  }
  return actions;
}

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
import type { Action, CompiledPasswordPolicy, RuleSet, User, UserStatus } from '../../engine/types.ts';
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
/** Previous hashes kept for the history rule at least; a policy's `historyCount` (at most 100) can ask for more. */
const HISTORY_KEPT = 24;

export type PasswordMode = 'reset' | 'change';

/**
 * Who may have a password set, as Okta has it: an admin resets anyone not deprovisioned (a
 * leaver's apps must not get a new password while their deactivation waits); a user changes
 * their own only while they can sign in.
 */
const PASSWORD_STATUSES: Record<PasswordMode, readonly UserStatus[]> = {
  reset: ['STAGED', 'PROVISIONED', 'ACTIVE', 'SUSPENDED'],
  change: ['STAGED', 'ACTIVE'],
};

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

/** What a password change needs of the runtime: the database, the hash and the seal key. */
export type PasswordDeps = Pick<Runtime, 'db' | 'hashPassword' | 'verifyPassword' | 'sealKey'>;

/** An accepted password, ready to be written with the identity (and its `password.set` actions). */
export interface PreparedPassword {
  policy: string | null;
  /** What the identity row's password columns become. */
  columns: Pick<Identity, 'passwordHash' | 'passwordChangedAt' | 'passwordHistory'>;
  /** Sealed `password.set` actions for the apps with password sync where the user has a live account. */
  actions: Action[];
}

export type PasswordCheck = { ok: true; password: PreparedPassword } | { ok: false; policy: string | null; violations: PasswordViolation[] };

/**
 * Checks `input.password` against the policy for `identity` as it will be (every violation), and
 * when it passes, hashes it and seals it for the apps that sync passwords. Writes nothing.
 */
export async function preparePassword(deps: PasswordDeps, ruleSet: RuleSet | undefined, identity: Identity, input: { password: string; mode: PasswordMode }, at: string): Promise<PasswordCheck> {
  const user = toUser(identity);
  const { id: policyId, policy } = policyFor(ruleSet, user, at);
  const violations = await check(deps, identity, user, policy, input, at);
  if (violations.length > 0) return { ok: false, policy: policyId, violations };
  const hash = await deps.hashPassword(input.password);
  // `historyCount` counts the password being replaced too: it needs that many minus one before it.
  const kept = Math.max(HISTORY_KEPT, (policy.historyCount ?? 0) - 1);
  const history = identity.passwordHash === null ? identity.passwordHistory : [identity.passwordHash, ...identity.passwordHistory].slice(0, kept);
  const actions = ruleSet ? await syncActions(deps, ruleSet, identity.id, input, policyId) : [];
  return { ok: true, password: { policy: policyId, columns: { passwordHash: hash, passwordChangedAt: at, passwordHistory: history }, actions } };
}

/** A lifecycle run for `password.set` actions (none: no run). */
export function passwordRun(newId: () => string, ruleSet: RuleSet | undefined, userId: string, mode: PasswordMode, actions: readonly Action[], at: string): Run | null {
  if (actions.length === 0 || !ruleSet) return null;
  return newRun({ id: newId(), kind: 'lifecycle', status: 'planned', ruleSetVersion: ruleSet.version, asOf: at, summary: { operation: `password.${mode}`, userId, actions: { 'password.set': actions.length } } }, at);
}

export async function setPassword(runtime: Runtime, id: string, input: { password: string; current?: string; mode: PasswordMode }, ctx: WriteContext): Promise<PasswordResult> {
  const { db } = runtime;
  const identity = await getIdentity(db, id);
  if (!identity) throw notFound(`no user \`${id}\``);
  const allowed = PASSWORD_STATUSES[input.mode];
  if (!(allowed as readonly string[]).includes(identity.status)) {
    throw new ApiError(409, 'invalid_state', `cannot ${input.mode === 'reset' ? 'reset the password of' : 'change the password of'} a user who is \`${identity.status}\` (needs ${allowed.map((s) => `\`${s}\``).join(' or ')})`);
  }
  if (input.mode === 'change' && identity.passwordHash === null) {
    const message = `user \`${id}\` has no password yet to change: an admin sets the first one (POST /v1/users/{id}/password)`;
    throw new ApiError(422, 'invalid_password', message, { violations: [{ code: 'password.current-missing', message }] });
  }
  if (input.mode === 'change' && !(await runtime.verifyPassword(input.current ?? '', identity.passwordHash as string))) {
    throw new ApiError(422, 'invalid_password', 'the current password is wrong', { violations: [{ code: 'password.current-mismatch', message: 'the current password is wrong' }] });
  }
  const ruleSet = await loadRuleSet(db);
  const checked = await preparePassword(runtime, ruleSet, identity, input, ctx.at);
  if (!checked.ok) {
    const list = checked.violations.map((v) => `password ${v.message}`);
    throw new ApiError(422, 'invalid_password', list.join('; '), { policy: checked.policy, violations: checked.violations });
  }
  const { policy: policyId, columns, actions } = checked.password;
  const run = passwordRun(() => runtime.newId(), ruleSet, id, input.mode, actions, ctx.at);
  const events: AuditEvent[] = [{ ...ctx, type: `identity.password.${input.mode}`, subject: id, data: { policy: policyId, synced: actions.map((a) => a.appId ?? '') } }];
  if (run) events.push(runEvent(run, actions, ctx));
  const next: Identity = { ...identity, ...columns, version: identity.version + 1, updatedAt: ctx.at };
  const statements = (): Statement[] => [
    db
      .update(identities)
      .set({ ...columns, version: sql`CASE WHEN ${identities.version} = ${identity.version} THEN ${next.version} ELSE NULL END`, updatedAt: ctx.at })
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

async function check(deps: PasswordDeps, identity: Identity, user: User, policy: PasswordPolicy, input: { password: string; mode: PasswordMode }, asOf: string): Promise<PasswordViolation[]> {
  const history: PasswordHistoryEntry[] = [
    ...(identity.passwordHash !== null ? [{ hash: identity.passwordHash, ...(identity.passwordChangedAt !== null ? { changedAt: identity.passwordChangedAt } : {}) }] : []),
    ...identity.passwordHistory.map((hash) => ({ hash })),
  ];
  // Hash checks are async (scrypt); the engine's matcher is sync, so match first.
  const reused = new Set<string>();
  for (const entry of history.slice(0, policy.historyCount ?? 0)) {
    if (await deps.verifyPassword(input.password, entry.hash)) reused.add(entry.hash);
  }
  const violations = validatePassword(policy, user, input.password, history, makeContext(asOf), (_candidate, entry) => reused.has(entry.hash));
  // The minimum age stops users from cycling through the history, not an admin's reset.
  return input.mode === 'reset' ? violations.filter((v) => v.code !== 'password.too-soon') : violations;
}

/** One sealed `password.set` per app with password sync where the user has a live account. */
async function syncActions(deps: PasswordDeps, ruleSet: RuleSet, userId: string, input: { password: string; mode: PasswordMode }, policyId: string | null): Promise<Action[]> {
  const observed = await observedState(deps.db, [userId]);
  const actions: Action[] = [];
  for (const account of observed.accounts) {
    const app = ruleSet.apps[account.appId];
    if (!app?.source.passwordSync || account.status === 'deactivated') continue;
    const sealed = await seal(deps.sealKey, input.password, `${userId}:${account.appId}`);
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

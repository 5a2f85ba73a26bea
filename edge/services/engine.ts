// The edge's door to the pure engine: compiled rule sets (cached by version, which is a content
// hash), identities as engine users, and evaluate + plan for some or all of them.
import { compileRules } from '../../engine/compile.ts';
import { makeContext } from '../../engine/context.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { plan } from '../../engine/plan.ts';
import type { DesiredUser, Diagnostic, ObservedState, Plan, RuleSet, SourceFile, User, UserStatus } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';
import { getRuleSet, observedState } from '../db/repos/index.ts';
import { activeRules } from '../jit/active-rules.ts';
import type { Identity } from '../db/repos/index.ts';

export interface Compiled {
  ruleSet: RuleSet;
  diagnostics: Diagnostic[];
  errors: Diagnostic[];
}

const CACHE_SIZE = 8;
const cache = new Map<string, RuleSet>();

export function compileFiles(files: SourceFile[]): Compiled {
  const { ruleSet, diagnostics } = compileRules(files);
  return { ruleSet, diagnostics, errors: diagnostics.filter((d) => d.severity === 'error') };
}

/**
 * The stored version compiled (cached: a version is the hash of its content). The active one is
 * the rule set logins and imports already hold (edge/jit/active-rules.ts): one compiled copy,
 * and no read of its files while it stays active.
 */
export async function loadRuleSet(db: Db, version?: string): Promise<RuleSet | undefined> {
  if (version === undefined) return (await activeRules(db))?.ruleSet;
  const row = await getRuleSet(db, version);
  if (!row) return undefined;
  const hit = cache.get(row.version);
  if (hit) return hit;
  const { ruleSet } = compileRules(row.files);
  cache.set(row.version, ruleSet);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return ruleSet;
}

/** The engine's view of an identity: its profile plus id, login, email and status. */
export function toUser(identity: Pick<Identity, 'id' | 'login' | 'email' | 'status' | 'profile'>): User {
  return {
    ...identity.profile,
    id: identity.id,
    login: identity.login,
    ...(identity.email !== null ? { email: identity.email } : {}),
    status: identity.status as UserStatus,
  };
}

export interface Planned {
  desired: DesiredUser[];
  plan: Plan;
  observed: ObservedState;
}

/** Evaluates `users` and plans them against what is stored as observed (or `observed`). */
export async function planUsers(db: Db, ruleSet: RuleSet, users: readonly User[], asOf: string, observed?: ObservedState): Promise<Planned> {
  const ctx = makeContext(asOf);
  const state = observed ?? (await observedState(db, users.map((u) => u.id)));
  const desired = evaluate(ruleSet, users, ctx, { appGroups: state.appGroups, assignedGroups: assignedGroups(ruleSet, state) });
  return { desired, plan: plan(ruleSet, desired, state, ctx), observed: state };
}

/**
 * Stored memberships of groups the rules do not manage (pushed over SCIM, set by an admin):
 * rules read them through `groups`, so an IdP's group push provisions downstream.
 */
export function assignedGroups(ruleSet: RuleSet, state: ObservedState): Map<string, string[]> {
  const managed = new Set([...ruleSet.groups.map((g) => g.id), ...(ruleSet.importedGroups ?? []).map((g) => g.groupId)]);
  const byUser = new Map<string, string[]>();
  for (const { userId, groupId } of state.memberships) {
    if (managed.has(groupId)) continue;
    const list = byUser.get(userId);
    if (list) list.push(groupId);
    else byUser.set(userId, [groupId]);
  }
  return byUser;
}

/** Why a plan is held, one line each (empty when it is not). */
export function heldReasons(p: Plan): string[] {
  if (!p.held) return [];
  const reasons = (p.holds ?? []).flatMap((h) => h.reasons);
  return reasons.length > 0 ? reasons : ['a safety threshold was crossed'];
}

/** Action counts by type: a run's summary. */
export function countActions(p: Plan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of p.actions) counts[a.type] = (counts[a.type] ?? 0) + 1;
  return counts;
}

// How a user's status and an app's deprovisioning policy turn into account actions. Tables, so
// the planner reads the policy instead of branching on statuses and modes.
import type { ActionType, DeprovisionMode, ObservedAccountStatus, UserStatus } from '../types.ts';

export interface StatusPolicy {
  /** May new accounts be created, and deactivated or suspended ones reactivated? */
  grants: boolean;
  /** Are assigned accounts kept in sync with the rules (attribute and role updates)? */
  updates: boolean;
  /** Do the rules' assignments count? If not, every account is out of scope (app policy applies). */
  assigned: boolean;
  /** Are active accounts suspended, whatever the rules say? */
  suspends: boolean;
  /** Are memberships of rule-managed groups kept per the rules (else all removed)? */
  memberships: boolean;
}

/**
 * Only ACTIVE users get new access. STAGED and PROVISIONED users are not active yet: what they
 * already have is kept in sync, nothing new is granted. SUSPENDED users keep their assignments
 * but their active accounts are suspended. DEPROVISIONED users lose everything per app policy.
 */
export const statusPolicies: Record<UserStatus, StatusPolicy> = {
  ACTIVE: { grants: true, updates: true, assigned: true, suspends: false, memberships: true },
  STAGED: { grants: false, updates: true, assigned: true, suspends: false, memberships: true },
  PROVISIONED: { grants: false, updates: true, assigned: true, suspends: false, memberships: true },
  SUSPENDED: { grants: false, updates: false, assigned: true, suspends: true, memberships: true },
  DEPROVISIONED: { grants: false, updates: false, assigned: false, suspends: false, memberships: false },
};

/** A status outside the known set grants nothing and changes nothing: the safe default. */
export const unknownStatusPolicy: StatusPolicy = { grants: false, updates: false, assigned: true, suspends: false, memberships: true };

export function statusPolicy(status: string): StatusPolicy {
  return Object.hasOwn(statusPolicies, status) ? statusPolicies[status as UserStatus] : unknownStatusPolicy;
}

/** What an out-of-scope account gets, per app policy and the account's current state. */
const unassignTransitions: Record<DeprovisionMode, Partial<Record<ObservedAccountStatus, ActionType>>> = {
  keep: {},
  suspend: { active: 'account.suspend' },
  deactivate: { active: 'account.deactivate', suspended: 'account.deactivate' },
  delete: { active: 'account.delete', suspended: 'account.delete', deactivated: 'account.delete' },
};

export function unassignAction(mode: DeprovisionMode, status: ObservedAccountStatus): ActionType | undefined {
  return unassignTransitions[mode][status];
}

const DAY_MS = 86_400_000;

/**
 * True when an out-of-scope account that is no longer active (suspended or deactivated since
 * `deactivatedAt`) has waited out `deleteAfterDays`. An unreadable or missing
 * `deactivatedAt` never deletes.
 */
export function deleteIsDue(deactivatedAt: string | undefined, deleteAfterDays: number | undefined, asOfMs: number): boolean {
  if (deleteAfterDays === undefined || deactivatedAt === undefined) return false;
  const since = Date.parse(deactivatedAt);
  if (Number.isNaN(since)) return false;
  return asOfMs - since >= deleteAfterDays * DAY_MS;
}

// Desired state vs observed state → the actions that close the gap, each with its why.
// Only users present in `desired` are planned: a user missing from the input is never
// deprovisioned by absence (an empty or failed source read must not mean "delete everyone").
import { actionId } from './ids.ts';
import { buildCreate } from './actions/account-create.ts';
import { buildUpdate, diffAccount } from './actions/account-update.ts';
import { isManualApp } from './actions/connectors.ts';
import { deleteIsDue, statusPolicy, unassignAction } from './actions/lifecycle.ts';
import type { StatusPolicy } from './actions/lifecycle.ts';
import {
  assignsWords,
  deleteAfterWords,
  joinsWords,
  leavesWords,
  policyReason,
  ruleReason,
  statusWords,
  unassignedWords,
} from './actions/reasons.ts';
import { actionOrder, describeAction, isManualWork } from './actions/registry.ts';
import { buildManualTask } from './actions/task-manual.ts';
import type { ActionDraft } from './actions/types.ts';
import { accountReason, applyOverrides, overrideRef, overridesByUser, overrideWords } from './planning/overrides.ts';
import type { PlannedAccount } from './planning/overrides.ts';
import { planGroupPush } from './planning/group-push.ts';
import type { PushMember } from './planning/group-push.ts';
import { gate } from './planning/safety.ts';
import type { Action, DesiredUser, Diagnostic, EvalContext, ImportedGroup, ObservedAccount, ObservedState, Override, Plan, PlanOptions, Reason, RuleSet } from './types.ts';

const NO_ACCOUNTS: ReadonlyMap<string, ObservedAccount> = new Map();
const NO_GROUPS: ReadonlySet<string> = new Set();

/**
 * The actions that bring the apps to the desired state. `options` adds overrides (on top of the
 * rule files' own) and safety settings; the plan comes back `held` when a threshold is crossed,
 * with removals from apps whose read was empty or failed `refused` (and left out of `actions`).
 */
export function plan(ruleSet: RuleSet, desired: readonly DesiredUser[], observed: ObservedState, ctx: EvalContext, options: PlanOptions = {}): Plan {
  const accountsByUser = new Map<string, Map<string, ObservedAccount>>();
  for (const account of observed.accounts) {
    let apps = accountsByUser.get(account.userId);
    if (!apps) accountsByUser.set(account.userId, (apps = new Map()));
    if (!apps.has(account.appId)) apps.set(account.appId, account);
  }
  const groupsByUser = new Map<string, Set<string>>();
  for (const { userId, groupId } of observed.memberships) {
    let groups = groupsByUser.get(userId);
    if (!groups) groupsByUser.set(userId, (groups = new Set()));
    groups.add(groupId);
  }

  const drafts: ActionDraft[] = [];
  const diagnostics: Diagnostic[] = [];
  const planned = new Set<string>();
  const overrides = overridesByUser(ruleSet, options.overrides, diagnostics);
  const pushMembers: PushMember[] = [];
  const pushes = ruleSet.groups.some((g) => g.source.push !== undefined);
  for (const user of desired) {
    if (planned.has(user.userId)) {
      diagnostics.push({ code: 'duplicate-user', severity: 'warning', message: `user \`${user.userId}\` appears more than once: planned once` });
      continue;
    }
    planned.add(user.userId);
    diagnostics.push(...user.diagnostics);
    const policy = statusPolicy(user.status);
    const { accounts, denied } = applyOverrides(ruleSet, user, overrides.get(user.userId) ?? [], ctx, diagnostics);
    const dates = user.dates;
    const terminated = dates?.phase === 'terminated' ? dates.terminationAt : undefined;
    const step: UserStep = { ruleSet, user, accounts, denied, policy, ctx, drafts, diagnostics, cause: terminated ? terminationWords(user) : undefined, notBefore: terminated };
    if (dates?.phase === 'staged') step.createNotBefore = dates.stagingAt;
    const observedAccounts = accountsByUser.get(user.userId) ?? NO_ACCOUNTS;
    const observedGroups = groupsByUser.get(user.userId) ?? NO_GROUPS;
    planAccounts(step, observedAccounts);
    // A future hire before the staging window gets nothing yet, memberships included.
    if (dates?.phase !== 'pre-hire') planMemberships(step, observedGroups);
    if (dates?.phase === 'terminating' && dates.terminationAt !== undefined) {
      // What the termination will do, due at the worker's local end of day.
      const later: UserStep = { ...step, policy: statusPolicy('DEPROVISIONED'), cause: terminationWords(user), notBefore: dates.terminationAt, createNotBefore: undefined };
      planAccounts(later, observedAccounts);
      planMemberships(later, observedGroups);
    }
    if (pushes) pushMembers.push({ user, policy, apps: accountApps(accounts, observedAccounts, policy) });
  }
  if (pushes) planGroupPush(ruleSet, pushMembers, observed, drafts);

  const all = drafts.map((draft) => finish(ruleSet, draft)).sort(compareActions);
  const verdict = gate(ruleSet, all, observed, options, ctx.asOfMs);
  return { version: ruleSet.version, asOf: ctx.asOf, actions: verdict.actions, diagnostics, held: verdict.held, holds: verdict.holds, refused: verdict.refused };
}

/** Apps the user has a live account in, or gets one in now. */
function accountApps(accounts: readonly PlannedAccount[], observed: ReadonlyMap<string, ObservedAccount>, policy: StatusPolicy): Set<string> {
  const apps = new Set<string>();
  for (const [appId, account] of observed) if (account.status !== 'deactivated') apps.add(appId);
  if (policy.grants) for (const account of accounts) apps.add(account.appId);
  return apps;
}

function terminationWords(user: DesiredUser): string {
  const date = user.profile?.terminationDate;
  return `terminated at the local end of \`${typeof date === 'string' ? date : '?'}\` in \`${user.dates?.timeZone ?? 'UTC'}\``;
}

interface UserStep {
  ruleSet: RuleSet;
  user: DesiredUser;
  /** The user's desired accounts after overrides. */
  accounts: readonly PlannedAccount[];
  denied: ReadonlyMap<string, Override>;
  policy: StatusPolicy;
  /** Why the status policy applies, when it is not the user's own status (a termination date). */
  cause?: string;
  /** Every action of this step is due at this instant. */
  notBefore?: string;
  /** New accounts are due at this instant (staging before a start date). */
  createNotBefore?: string;
  ctx: EvalContext;
  drafts: ActionDraft[];
  diagnostics: Diagnostic[];
}

function planAccounts(step: UserStep, observed: ReadonlyMap<string, ObservedAccount>): void {
  const { ruleSet, user, policy } = step;
  const { version } = ruleSet;
  const userId = user.userId;
  const drafts = { push: (draft: ActionDraft) => step.drafts.push(step.notBefore === undefined ? draft : { ...draft, notBefore: step.notBefore }) };
  const statusCause = step.cause ?? statusWords(user.status);
  const assigned = new Set<string>();
  for (const account of policy.assigned ? step.accounts : []) {
    assigned.add(account.appId);
    if (!ruleSet.apps[account.appId] || (account.because.length === 0 && !account.override)) continue;
    const assigns = account.because.length > 0 ? assignsWords(account.because[0]!.ruleId, account.appId, account.role) : overrideWords(account.override!);
    const current = observed.get(account.appId);
    if (!current) {
      if (!policy.grants) continue;
      const create = buildCreate(userId, account, accountReason(assigns, account, version));
      drafts.push(step.createNotBefore === undefined ? create : { ...create, notBefore: step.createNotBefore });
      continue;
    }
    if (current.status === 'active' && policy.suspends) {
      drafts.push(accountDraft('account.suspend', current, policyReason(statusCause, version)));
      continue;
    }
    if (current.status !== 'active') {
      if (!policy.grants) continue;
      drafts.push(accountDraft('account.reactivate', current, accountReason(`${assigns}; account is \`${current.status}\``, account, version)));
    } else if (!policy.updates) continue;
    const diff = diffAccount(account, current);
    if (!diff) continue;
    const changed = Object.keys(diff.changes).map((name) => `\`${name}\``);
    if (diff.role) changed.push(`role \`${diff.role.from ?? 'none'}\` → \`${diff.role.to}\``);
    const summary = `${assigns}; changed: ${changed.join(', ')}`;
    drafts.push(buildUpdate(userId, account.appId, diff, accountReason(summary, account, version)));
  }

  for (const [appId, current] of [...observed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (assigned.has(appId)) continue;
    const app = ruleSet.apps[appId];
    // An app the rules do not know has no policy: leave its accounts alone.
    if (!app) continue;
    const deny = policy.assigned ? step.denied.get(appId) : undefined;
    // A deny is an admin taking access away: an app that keeps unassigned accounts deactivates this one.
    const mode = deny && app.onUnassign === 'keep' ? 'deactivate' : app.onUnassign;
    const cause = deny ? `${overrideWords(deny)}; app policy: ${mode}` : policy.assigned ? unassignedWords(appId, mode) : step.cause ? `${step.cause}; app policy: ${mode}` : statusWords(user.status, mode);
    const withOverride = (reason: Reason): Reason => (deny ? { ...reason, override: overrideRef(deny) } : reason);
    const type = unassignAction(mode, current.status);
    if (type) {
      drafts.push(accountDraft(type, current, withOverride(policyReason(cause, version))));
    } else if (current.status !== 'active' && mode !== 'keep' && app.deleteAfterDays !== undefined) {
      // `deactivatedAt` is when the account stopped being active: a `suspend` policy with
      // `deleteAfterDays` deletes suspended accounts in time, as `deactivate` does deactivated ones.
      if (current.deactivatedAt === undefined) {
        step.diagnostics.push({
          code: 'deactivated-at-missing',
          severity: 'warning',
          message: `account \`${appId}\` of user \`${userId}\` has no \`deactivatedAt\`: not deleted after ${app.deleteAfterDays} days`,
        });
      } else if (deleteIsDue(current.deactivatedAt, app.deleteAfterDays, step.ctx.asOfMs)) {
        const summary = deleteAfterWords(cause, current.status, current.deactivatedAt, app.deleteAfterDays);
        drafts.push(accountDraft('account.delete', current, withOverride(policyReason(summary, version))));
      }
    } else if (current.status === 'active' && policy.suspends) {
      drafts.push(accountDraft('account.suspend', current, policyReason(statusCause, version)));
    }
  }
}

function planMemberships(step: UserStep, observed: ReadonlySet<string>): void {
  const { ruleSet, user, policy } = step;
  const drafts = { push: (draft: ActionDraft) => step.drafts.push(step.notBefore === undefined ? draft : { ...draft, notBefore: step.notBefore }) };
  const wanted = new Set<string>();
  for (const membership of policy.memberships ? user.groups : []) {
    wanted.add(membership.groupId);
    if (observed.has(membership.groupId)) continue;
    const imported = membership.because.kind === 'import' ? importOf(ruleSet, membership.groupId) : undefined;
    const words = imported ? `app \`${imported.appId}\` lists the user in its group \`${imported.appGroup}\`, imported as \`${imported.groupId}\`` : joinsWords(membership.because.ruleId, membership.groupId);
    const reason = ruleReason(words, [membership.because], ruleSet.version);
    drafts.push({ type: 'membership.add', userId: user.userId, groupId: membership.groupId, reason });
  }
  if (observed.size === 0) return;
  // Only groups the rules manage (or apps import) are taken away; any other group is someone else's.
  for (const groupId of managedGroups(ruleSet)) {
    if (!observed.has(groupId) || wanted.has(groupId)) continue;
    const imported = importOf(ruleSet, groupId);
    const left = imported ? `app \`${imported.appId}\` no longer lists the user in its group \`${imported.appGroup}\`` : leavesWords(groupId);
    const summary = policy.memberships ? left : (step.cause ?? statusWords(user.status));
    drafts.push({ type: 'membership.remove', userId: user.userId, groupId, reason: policyReason(summary, ruleSet.version) });
  }
}

function importOf(ruleSet: RuleSet, groupId: string): ImportedGroup | undefined {
  return ruleSet.importedGroups?.find((g) => g.groupId === groupId);
}

const managed = new WeakMap<RuleSet, string[]>();

function managedGroups(ruleSet: RuleSet): string[] {
  let ids = managed.get(ruleSet);
  if (!ids) managed.set(ruleSet, (ids = [...ruleSet.groups.map((g) => g.id), ...(ruleSet.importedGroups ?? []).map((g) => g.groupId)]));
  return ids;
}

function accountDraft(type: ActionDraft['type'], account: ObservedAccount, reason: ActionDraft['reason']): ActionDraft {
  return { type, userId: account.userId, appId: account.appId, reason };
}

/** Manual apps get tasks; every action gets its id and a fixed key order for byte-identical JSON. */
function finish(ruleSet: RuleSet, input: ActionDraft): Action {
  const app = input.appId === undefined ? undefined : ruleSet.apps[input.appId];
  const draft = app && isManualApp(app) && isManualWork(input.type) ? buildManualTask(input, app, describeAction) : input;
  const { type, userId, groupId, appId, role, attributes, changes, notBefore, reason } = draft;
  const action: Action = { id: actionId(draft), type, userId, groupId, appId, role, attributes, changes, notBefore, reason };
  for (const key of Object.keys(action) as (keyof Action)[]) if (action[key] === undefined) delete action[key];
  return action;
}

function compareActions(a: Action, b: Action): number {
  // Group-level actions (creating a group in an app) come before any membership in it.
  const groupLevel = Number(a.userId !== undefined) - Number(b.userId !== undefined);
  if (groupLevel !== 0) return groupLevel;
  return (
    compareText(a.userId ?? a.groupId ?? '', b.userId ?? b.groupId ?? '') ||
    compareText(a.appId ?? '', b.appId ?? '') ||
    actionOrder(a) - actionOrder(b) ||
    compareText(a.groupId ?? '', b.groupId ?? '') ||
    compareText(a.id, b.id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

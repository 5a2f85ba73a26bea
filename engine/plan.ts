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

const NO_ACCOUNTS: readonly ObservedAccount[] = Object.freeze([]);
const NO_GROUPS: ReadonlySet<string> = new Set();
const NO_OVERRIDES: readonly Override[] = Object.freeze([]);

interface ObservedIndex {
  /** Each user's observed accounts, one per app (the first listed wins), ordered by app id. */
  accountsByUser: Map<string, ObservedAccount[]>;
  groupsByUser: Map<string, Set<string>>;
}

// Built once per observed state: a diff plans the same observed state twice, a reconcile once.
// Observed state is read, never written, while it is planned against: this is a cache.
// Its arrays are checked by identity and length, so a state rebuilt or appended to is indexed again.
const observedIndexes = new WeakMap<ObservedState, { accounts: readonly ObservedAccount[]; size: number; memberships: ObservedState['memberships']; count: number; index: ObservedIndex }>();

function observedIndex(observed: ObservedState): ObservedIndex {
  const known = observedIndexes.get(observed);
  if (known && known.accounts === observed.accounts && known.size === observed.accounts.length && known.memberships === observed.memberships && known.count === observed.memberships.length) return known.index;
  const accountsByUser = new Map<string, ObservedAccount[]>();
  for (const account of observed.accounts) {
    const list = accountsByUser.get(account.userId);
    if (!list) accountsByUser.set(account.userId, [account]);
    else if (findAccount(list, account.appId) === undefined) list.push(account);
  }
  for (const list of accountsByUser.values()) if (list.length > 1) list.sort(byAppId);
  const groupsByUser = new Map<string, Set<string>>();
  for (const { userId, groupId } of observed.memberships) {
    let groups = groupsByUser.get(userId);
    if (!groups) groupsByUser.set(userId, (groups = new Set()));
    groups.add(groupId);
  }
  const index = { accountsByUser, groupsByUser };
  observedIndexes.set(observed, { accounts: observed.accounts, size: observed.accounts.length, memberships: observed.memberships, count: observed.memberships.length, index });
  return index;
}

function byAppId(a: { appId: string }, b: { appId: string }): number {
  return a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0;
}

function findAccount(accounts: readonly ObservedAccount[], appId: string): ObservedAccount | undefined {
  for (const account of accounts) if (account.appId === appId) return account;
  return undefined;
}

/**
 * The actions that bring the apps to the desired state. `options` adds overrides (on top of the
 * rule files' own) and safety settings; the plan comes back `held` when a threshold is crossed,
 * with removals from apps whose read was empty or failed `refused` (and left out of `actions`).
 */
export function plan(ruleSet: RuleSet, desired: readonly DesiredUser[], observed: ObservedState, ctx: EvalContext, options: PlanOptions = {}): Plan {
  const planning = planner(ruleSet, observed, ctx, options);
  planning.add(desired);
  return planning.finish();
}

/**
 * A plan built a part of the population at a time: `add` plans users (in order, as `plan`
 * would), `finish` adds what spans everyone (group pushes, ids, order, safety gates). The
 * result equals `plan` of every added user at once, so a caller may evaluate and plan a large
 * population in slices and drop each slice's desired states as it goes.
 */
export interface Planner {
  /** Plans these users; returns the ids of those it planned an action for. */
  add(desired: readonly DesiredUser[]): string[];
  finish(): Plan;
}

export function planner(ruleSet: RuleSet, observed: ObservedState, ctx: EvalContext, options: PlanOptions = {}): Planner {
  const { accountsByUser, groupsByUser } = observedIndex(observed);
  // Each user's drafts become actions at once (a draft dies young; only the action is kept).
  const actions: Action[] = [];
  const diagnostics: Diagnostic[] = [];
  const planned = new Set<string>();
  const overrides = overridesByUser(ruleSet, options.overrides, diagnostics);
  const pushMembers: PushMember[] = [];
  const pushes = ruleSet.groups.some((g) => g.source.push !== undefined);
  const matched = options.matched ?? true;
  let finished = false;

  const add = (desired: readonly DesiredUser[]): string[] => {
    if (finished) throw new Error('planner: `add` after `finish`');
    const acted: string[] = [];
    for (const user of desired) {
      if (planned.has(user.userId)) {
        diagnostics.push({ code: 'duplicate-user', severity: 'warning', message: `user \`${user.userId}\` appears more than once: planned once` });
        continue;
      }
      planned.add(user.userId);
      const before = actions.length;
      planUser(user);
      if (actions.length > before) acted.push(user.userId);
    }
    return acted;
  };

  const planUser = (user: DesiredUser): void => {
    if (user.diagnostics.length > 0) diagnostics.push(...user.diagnostics);
    const policy = statusPolicy(user.status);
    const { accounts, denied } = applyOverrides(ruleSet, user, overrides.get(user.userId) ?? NO_OVERRIDES, ctx, diagnostics);
    const dates = user.dates;
    const terminated = dates?.phase === 'terminated' ? dates.terminationAt : undefined;
    const step: UserStep = { ruleSet, user, accounts, denied, policy, ctx, actions, diagnostics, matched, cause: terminated ? terminationWords(user) : undefined, notBefore: terminated };
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
  };

  const finish = (): Plan => {
    if (finished) throw new Error('planner: `finish` called twice');
    finished = true;
    const pushed: ActionDraft[] = [];
    if (pushes) planGroupPush(ruleSet, pushMembers, observed, pushed);
    for (const draft of pushed) actions.push(toAction(ruleSet, draft));
    const all = actions.sort(compareActions);
    const verdict = gate(ruleSet, all, observed, options, ctx.asOfMs);
    return { version: ruleSet.version, asOf: ctx.asOf, actions: verdict.actions, diagnostics, held: verdict.held, holds: verdict.holds, refused: verdict.refused };
  };

  return { add, finish };
}

/** Apps the user has a live account in, or gets one in now. */
function accountApps(accounts: readonly PlannedAccount[], observed: readonly ObservedAccount[], policy: StatusPolicy): Set<string> {
  const apps = new Set<string>();
  for (const account of observed) if (account.status !== 'deactivated') apps.add(account.appId);
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
  /** Whether reasons carry the matched conditions (PlanOptions.matched). */
  matched: boolean;
  /** Where this step's actions go (`toAction` of each draft). */
  actions: Action[];
  diagnostics: Diagnostic[];
}

/** Adds a draft of this step: due when the step is (a termination), else as drafted. */
function addDraft(step: UserStep, draft: ActionDraft): void {
  step.actions.push(toAction(step.ruleSet, step.notBefore === undefined ? draft : { ...draft, notBefore: step.notBefore }));
}

// Runs for every account of every user: words are built only for an action that is planned.
function planAccounts(step: UserStep, observed: readonly ObservedAccount[]): void {
  const { ruleSet, user, policy } = step;
  const { version } = ruleSet;
  const userId = user.userId;
  const accounts = policy.assigned ? step.accounts : [];
  for (const account of accounts) {
    if (!ruleSet.apps[account.appId] || (account.because.length === 0 && !account.override)) continue;
    const current = findAccount(observed, account.appId);
    if (!current) {
      if (!policy.grants) continue;
      const create = buildCreate(userId, account, accountReason(assigns(account), account, version, step.matched));
      addDraft(step, step.createNotBefore === undefined ? create : { ...create, notBefore: step.createNotBefore });
      continue;
    }
    if (current.status === 'active' && policy.suspends) {
      addDraft(step, accountDraft('account.suspend', current, policyReason(statusCause(step), version)));
      continue;
    }
    if (current.status !== 'active') {
      if (!policy.grants) continue;
      addDraft(step, accountDraft('account.reactivate', current, accountReason(`${assigns(account)}; account is \`${current.status}\``, account, version, step.matched)));
    } else if (!policy.updates) continue;
    const diff = diffAccount(account, current);
    if (!diff) continue;
    const changed = Object.keys(diff.changes).map((name) => `\`${name}\``);
    if (diff.role) changed.push(`role \`${diff.role.from ?? 'none'}\` → \`${diff.role.to}\``);
    const summary = `${assigns(account)}; changed: ${changed.join(', ')}`;
    addDraft(step, buildUpdate(userId, account.appId, diff, accountReason(summary, account, version, step.matched)));
  }

  // Observed accounts come ordered by app id.
  for (const current of observed) {
    const appId = current.appId;
    if (isAssigned(accounts, appId)) continue;
    const app = ruleSet.apps[appId];
    // An app the rules do not know has no policy: leave its accounts alone.
    if (!app) continue;
    const deny = policy.assigned ? step.denied.get(appId) : undefined;
    // A deny is an admin taking access away: an app that keeps unassigned accounts deactivates this one.
    const mode = deny && app.onUnassign === 'keep' ? 'deactivate' : app.onUnassign;
    const cause = deny ? `${overrideWords(deny)}; app policy: ${mode}` : policy.assigned ? unassignedWords(appId, mode) : step.cause ? `${step.cause}; app policy: ${mode}` : statusWords(user.status, mode);
    const type = unassignAction(mode, current.status);
    if (type) {
      addDraft(step, accountDraft(type, current, withOverride(policyReason(cause, version), deny)));
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
        addDraft(step, accountDraft('account.delete', current, withOverride(policyReason(summary, version), deny)));
      }
    } else if (current.status === 'active' && policy.suspends) {
      addDraft(step, accountDraft('account.suspend', current, policyReason(statusCause(step), version)));
    }
  }
}

function planMemberships(step: UserStep, observed: ReadonlySet<string>): void {
  const { ruleSet, user, policy } = step;
  if (user.groups.length === 0 && observed.size === 0) return;
  const wanted = new Set<string>();
  for (const membership of policy.memberships ? user.groups : []) {
    wanted.add(membership.groupId);
    if (observed.has(membership.groupId)) continue;
    const imported = membership.because.kind === 'import' ? importOf(ruleSet, membership.groupId) : undefined;
    const words = imported ? `app \`${imported.appId}\` lists the user in its group \`${imported.appGroup}\`, imported as \`${imported.groupId}\`` : joinsWords(membership.because.ruleId, membership.groupId);
    const reason = ruleReason(words, [membership.because], ruleSet.version, step.matched);
    addDraft(step, { type: 'membership.add', userId: user.userId, groupId: membership.groupId, reason });
  }
  if (observed.size === 0) return;
  // Only groups the rules manage (or apps import) are taken away; any other group is someone else's.
  for (const groupId of managedGroups(ruleSet)) {
    if (!observed.has(groupId) || wanted.has(groupId)) continue;
    const imported = importOf(ruleSet, groupId);
    const left = imported ? `app \`${imported.appId}\` no longer lists the user in its group \`${imported.appGroup}\`` : leavesWords(groupId);
    const summary = policy.memberships ? left : (step.cause ?? statusWords(user.status));
    addDraft(step, { type: 'membership.remove', userId: user.userId, groupId, reason: policyReason(summary, ruleSet.version) });
  }
}

function statusCause(step: UserStep): string {
  return step.cause ?? statusWords(step.user.status);
}

function assigns(account: PlannedAccount): string {
  return account.because.length > 0 ? assignsWords(account.because[0]!.ruleId, account.appId, account.role) : overrideWords(account.override!);
}

function isAssigned(accounts: readonly PlannedAccount[], appId: string): boolean {
  for (const account of accounts) if (account.appId === appId) return true;
  return false;
}

/** A reason that names the deny override that decided it, when one did. */
function withOverride(reason: Reason, deny: Override | undefined): Reason {
  return deny ? { ...reason, override: overrideRef(deny) } : reason;
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
function toAction(ruleSet: RuleSet, input: ActionDraft): Action {
  const app = input.appId === undefined ? undefined : ruleSet.apps[input.appId];
  const draft = app && isManualApp(app) && isManualWork(input.type) ? buildManualTask(input, app, describeAction) : input;
  const { type, userId, groupId, appId, role, attributes, changes, notBefore, reason } = draft;
  // Keys added in one fixed order, only when set (deleting keys would leave each action a slow
  // dictionary-mode object). `reason` comes last, as before.
  const action = { id: actionId(draft), type } as Action;
  if (userId !== undefined) action.userId = userId;
  if (groupId !== undefined) action.groupId = groupId;
  if (appId !== undefined) action.appId = appId;
  if (role !== undefined) action.role = role;
  if (attributes !== undefined) action.attributes = attributes;
  if (changes !== undefined) action.changes = changes;
  if (notBefore !== undefined) action.notBefore = notBefore;
  action.reason = reason;
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

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
import type { Action, DesiredUser, Diagnostic, EvalContext, ObservedAccount, ObservedState, Plan, RuleSet } from './types.ts';

const NO_ACCOUNTS: ReadonlyMap<string, ObservedAccount> = new Map();
const NO_GROUPS: ReadonlySet<string> = new Set();

export function plan(ruleSet: RuleSet, desired: readonly DesiredUser[], observed: ObservedState, ctx: EvalContext): Plan {
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
  for (const user of desired) {
    if (planned.has(user.userId)) {
      diagnostics.push({ code: 'duplicate-user', severity: 'warning', message: `user \`${user.userId}\` appears more than once: planned once` });
      continue;
    }
    planned.add(user.userId);
    diagnostics.push(...user.diagnostics);
    const policy = statusPolicy(user.status);
    const step: UserStep = { ruleSet, user, policy, ctx, drafts, diagnostics };
    planAccounts(step, accountsByUser.get(user.userId) ?? NO_ACCOUNTS);
    planMemberships(step, groupsByUser.get(user.userId) ?? NO_GROUPS);
  }

  const actions = drafts.map((draft) => finish(ruleSet, draft)).sort(compareActions);
  return { version: ruleSet.version, asOf: ctx.asOf, actions, diagnostics };
}

interface UserStep {
  ruleSet: RuleSet;
  user: DesiredUser;
  policy: StatusPolicy;
  ctx: EvalContext;
  drafts: ActionDraft[];
  diagnostics: Diagnostic[];
}

function planAccounts(step: UserStep, observed: ReadonlyMap<string, ObservedAccount>): void {
  const { ruleSet, user, policy, drafts } = step;
  const { version } = ruleSet;
  const userId = user.userId;
  const assigned = new Set<string>();
  for (const account of policy.assigned ? user.accounts : []) {
    assigned.add(account.appId);
    if (!ruleSet.apps[account.appId] || account.because.length === 0) continue;
    const assigns = assignsWords(account.because[0]!.ruleId, account.appId, account.role);
    const current = observed.get(account.appId);
    if (!current) {
      if (policy.grants) drafts.push(buildCreate(userId, account, ruleReason(assigns, account.because, version)));
      continue;
    }
    if (current.status === 'active' && policy.suspends) {
      drafts.push(accountDraft('account.suspend', current, policyReason(statusWords(user.status), version)));
      continue;
    }
    if (current.status !== 'active') {
      if (!policy.grants) continue;
      const reason = ruleReason(`${assigns}; account is \`${current.status}\``, account.because, version);
      drafts.push(accountDraft('account.reactivate', current, reason));
    } else if (!policy.updates) continue;
    const diff = diffAccount(account, current);
    if (!diff) continue;
    const changed = Object.keys(diff.changes).map((name) => `\`${name}\``);
    if (diff.role) changed.push(`role \`${diff.role.from ?? 'none'}\` → \`${diff.role.to}\``);
    const summary = `${assigns}; changed: ${changed.join(', ')}`;
    drafts.push(buildUpdate(userId, account.appId, diff, ruleReason(summary, account.because, version)));
  }

  for (const [appId, current] of [...observed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (assigned.has(appId)) continue;
    const app = ruleSet.apps[appId];
    // An app the rules do not know has no policy: leave its accounts alone.
    if (!app) continue;
    const mode = app.onUnassign;
    const cause = policy.assigned ? unassignedWords(appId, mode) : statusWords(user.status, mode);
    const type = unassignAction(mode, current.status);
    if (type) {
      drafts.push(accountDraft(type, current, policyReason(cause, version)));
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
        drafts.push(accountDraft('account.delete', current, policyReason(summary, version)));
      }
    } else if (current.status === 'active' && policy.suspends) {
      drafts.push(accountDraft('account.suspend', current, policyReason(statusWords(user.status), version)));
    }
  }
}

function planMemberships(step: UserStep, observed: ReadonlySet<string>): void {
  const { ruleSet, user, policy, drafts } = step;
  const wanted = new Set<string>();
  for (const membership of policy.memberships ? user.groups : []) {
    wanted.add(membership.groupId);
    if (observed.has(membership.groupId)) continue;
    const reason = ruleReason(joinsWords(membership.because.ruleId, membership.groupId), [membership.because], ruleSet.version);
    drafts.push({ type: 'membership.add', userId: user.userId, groupId: membership.groupId, reason });
  }
  if (observed.size === 0) return;
  // Only groups the rules manage are taken away; a group no rule defines is someone else's.
  for (const group of ruleSet.groups) {
    if (!observed.has(group.id) || wanted.has(group.id)) continue;
    const summary = policy.memberships ? leavesWords(group.id) : statusWords(user.status);
    drafts.push({ type: 'membership.remove', userId: user.userId, groupId: group.id, reason: policyReason(summary, ruleSet.version) });
  }
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

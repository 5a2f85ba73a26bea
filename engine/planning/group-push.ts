// Group push: a group rule with `push` creates the group in each app, keeps its name, and adds
// and removes the app memberships of the users planned. Only users in the plan's input are
// added or removed: a user missing from the input is never removed by absence.
import { joinsWords as membershipWords, policyReason, ruleReason } from '../actions/reasons.ts';
import type { StatusPolicy } from '../actions/lifecycle.ts';
import type { ActionDraft } from '../actions/types.ts';
import type { CompiledGroup, DesiredUser, GroupPushTarget, ObservedAppGroup, ObservedState, RuleSet } from '../types.ts';

export interface PushMember {
  user: DesiredUser;
  policy: StatusPolicy;
  /** Apps the user has (or is about to have) an account in: only those get memberships. */
  apps: ReadonlySet<string>;
}

export function planGroupPush(ruleSet: RuleSet, members: readonly PushMember[], observed: ObservedState, drafts: ActionDraft[]): void {
  const version = ruleSet.version;
  for (const group of ruleSet.groups) {
    for (const target of group.source.push ?? []) {
      const name = pushedName(group, target);
      const existing = findAppGroup(observed.appGroups ?? [], group.id, target.app, name);
      const pushed = `group \`${group.id}\` is pushed to \`${target.app}\``;
      if (!existing) {
        const attributes: Record<string, string> = group.source.description === undefined ? { name } : { name, description: group.source.description };
        drafts.push({ type: 'group.create', groupId: group.id, appId: target.app, attributes, reason: policyReason(`${pushed}, which has no such group`, version) });
      } else {
        const changes: NonNullable<ActionDraft['changes']> = {};
        if (existing.name !== name) changes.name = { from: existing.name, to: name };
        const description = group.source.description;
        if (description !== undefined && existing.description !== description) changes.description = { from: existing.description, to: description };
        if (Object.keys(changes).length > 0) {
          const what = Object.keys(changes).map((k) => `\`${k}\``).join(', ');
          drafts.push({ type: 'group.update', groupId: group.id, appId: target.app, changes, reason: policyReason(`${pushed}; changed: ${what}`, version) });
        }
      }
      const current = new Set(existing?.members ?? []);
      for (const { user, policy, apps } of members) {
        const membership = policy.memberships ? user.groups.find((g) => g.groupId === group.id) : undefined;
        const wanted = membership !== undefined && apps.has(target.app);
        const base = { userId: user.userId, groupId: group.id, appId: target.app };
        if (wanted && !current.has(user.userId)) {
          drafts.push({ type: 'membership.add', ...base, reason: ruleReason(`${membershipWords(membership.because.ruleId, group.id)}, pushed to \`${target.app}\``, [membership.because], version) });
        } else if (!wanted && current.has(user.userId)) {
          const why = membership === undefined ? `the user is not in group \`${group.id}\`` : `the user has no \`${target.app}\` account`;
          drafts.push({ type: 'membership.remove', ...base, reason: policyReason(`${why}; ${pushed}`, version) });
        }
      }
    }
  }
}

function pushedName(group: CompiledGroup, target: GroupPushTarget): string {
  return target.name ?? group.source.name ?? group.id;
}

/** The app's copy of the group: linked by group id, else found by name. */
function findAppGroup(appGroups: readonly ObservedAppGroup[], groupId: string, appId: string, name: string): ObservedAppGroup | undefined {
  return appGroups.find((g) => g.appId === appId && g.groupId === groupId) ?? appGroups.find((g) => g.appId === appId && g.groupId === undefined && g.name === name);
}

// Drift (pure): an app's accounts and pushed-group memberships as read, against what the rules
// want. Only a healthy read can show something missing; a failed or empty one shows nothing.
import type { DesiredUser, Json, ObservedAppGroup, RuleSet } from '../../../engine/types.ts';
import type { RemoteAccount, RemoteGroup } from '../types.ts';

export type FindingKind = 'missing-account' | 'unexpected-account' | 'status' | 'attribute' | 'missing-membership' | 'unexpected-membership';

export interface Finding {
  kind: FindingKind;
  userId?: string;
  groupId?: string;
  detail: Record<string, Json>;
}

export interface LinkState {
  userId: string;
  externalId: string | null;
  status: string;
}

export function compareApp(appId: string, ruleSet: RuleSet, desired: readonly DesiredUser[], links: readonly LinkState[], accounts: readonly RemoteAccount[], groups: readonly RemoteGroup[]): Finding[] {
  const findings: Finding[] = [];
  const remote = new Map(accounts.map((a) => [a.externalId, a]));
  const linkByUser = new Map(links.map((l) => [l.userId, l]));
  const linkedExternal = new Map(links.filter((l) => l.externalId !== null).map((l) => [l.externalId as string, l.userId]));
  const wanted = new Map<string, DesiredUser['accounts'][number]>();
  for (const user of desired) {
    const account = user.status === 'DEPROVISIONED' ? undefined : user.accounts.find((a) => a.appId === appId);
    if (account) wanted.set(user.userId, account);
  }
  for (const [userId, account] of wanted) {
    const link = linkByUser.get(userId);
    const found = link?.externalId ? remote.get(link.externalId) : undefined;
    if (!found) {
      findings.push({ kind: 'missing-account', userId, detail: { expected: 'an account', actual: link ? 'linked, but gone from the app' : 'no account' } });
      continue;
    }
    if (!found.active && link?.status !== 'suspended') findings.push({ kind: 'status', userId, detail: { expected: 'active', actual: 'inactive' } });
    for (const [name, value] of Object.entries(account.attributes)) {
      if (!(name in found.attributes) || account.createOnly.includes(name)) continue;
      const actual = found.attributes[name] as Json;
      if (JSON.stringify(actual) !== JSON.stringify(value)) findings.push({ kind: 'attribute', userId, detail: { attribute: name, expected: value, actual } });
    }
  }
  for (const account of accounts) {
    const userId = linkedExternal.get(account.externalId);
    if (userId !== undefined && wanted.has(userId)) continue;
    if (!account.active) continue;
    findings.push({ kind: 'unexpected-account', ...(userId !== undefined ? { userId } : {}), detail: { externalId: account.externalId, reason: userId === undefined ? 'no identity is linked to it (orphaned)' : 'no rule assigns it' } });
  }
  for (const group of pushedGroups(ruleSet, appId)) {
    const copy = groups.find((g) => g.groupId === group);
    const members = new Set((copy?.members ?? []).map((m) => linkedExternal.get(m) ?? `external:${m}`));
    for (const user of desired) {
      const wants = wanted.has(user.userId) && user.groups.some((g) => g.groupId === group);
      const has = members.has(user.userId);
      if (wants && !has) findings.push({ kind: 'missing-membership', userId: user.userId, groupId: group, detail: { group: copy ? copy.name : `${group} (not in the app)` } });
      if (!wants && has) findings.push({ kind: 'unexpected-membership', userId: user.userId, groupId: group, detail: { group: copy?.name ?? group } });
    }
  }
  return findings;
}

export function pushedGroups(ruleSet: RuleSet, appId: string): string[] {
  return ruleSet.groups.filter((g) => (g.source.push ?? []).some((t) => t.app === appId)).map((g) => g.id);
}

/** Groups as read, in the engine's terms (members as Roster user ids), for planning a repair. */
export function observedAppGroups(appId: string, groups: readonly RemoteGroup[], links: readonly LinkState[]): ObservedAppGroup[] {
  const byExternal = new Map(links.filter((l) => l.externalId !== null).map((l) => [l.externalId as string, l.userId]));
  return groups.map((g) => ({ appId, externalId: g.externalId, name: g.name, ...(g.groupId ? { groupId: g.groupId } : {}), members: g.members.map((m) => byExternal.get(m)).filter((m): m is string => m !== undefined) }));
}

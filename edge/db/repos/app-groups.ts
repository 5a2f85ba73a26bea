// Pushed groups as the apps hold them (schema `app_groups`, `app_group_members`), written when
// the dispatcher settles a group push action (edge/dispatch/settle.ts) and read as the engine's
// ObservedState `appGroups` (all of them here; with one user's state in `observedState`).
import type { ObservedAppGroup } from '../../../engine/types.ts';
import type { Db } from '../index.ts';
import { appGroupMembers, appGroups } from '../schema.ts';

export type AppGroupRow = typeof appGroups.$inferSelect;
export type AppGroupMemberRow = typeof appGroupMembers.$inferSelect;

/** Every pushed group in every app with all its members. */
export async function storedAppGroups(db: Db): Promise<ObservedAppGroup[]> {
  const groups = await db.select().from(appGroups);
  return groups.length === 0 ? [] : toAppGroups(groups, await db.select().from(appGroupMembers));
}

/** The engine's app groups: each group with the members given of it, in a stable order. */
export function toAppGroups(groups: readonly Omit<AppGroupRow, 'observedAt'>[], members: readonly AppGroupMemberRow[]): ObservedAppGroup[] {
  const key = (appId: string, groupId: string) => `${appId}\u0000${groupId}`;
  const byGroup = new Map<string, string[]>();
  for (const m of members) {
    const list = byGroup.get(key(m.appId, m.groupId));
    if (list) list.push(m.userId);
    else byGroup.set(key(m.appId, m.groupId), [m.userId]);
  }
  return groups
    .map((g) => ({ appId: g.appId, groupId: g.groupId, name: g.name, ...(g.description !== null ? { description: g.description } : {}), members: (byGroup.get(key(g.appId, g.groupId)) ?? []).sort() }))
    .sort((a, b) => a.appId.localeCompare(b.appId) || a.groupId.localeCompare(b.groupId));
}

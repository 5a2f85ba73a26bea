// Pushed groups as the apps hold them (schema `app_groups`, `app_group_members`), written when
// the dispatcher settles a group push action (edge/dispatch/settle.ts) and read here as the
// engine's ObservedState `appGroups`.
import type { ObservedAppGroup } from '../../../engine/types.ts';
import type { Db } from '../index.ts';
import { inJson, jsonChunks, prepared } from '../prepared.ts';
import { appGroupMembers, appGroups } from '../schema.ts';

/** Every pushed group in every app, with its members (only those among `userIds` when given). */
export async function observedAppGroups(db: Db, userIds?: readonly string[]): Promise<ObservedAppGroup[]> {
  const groups = await prepared(db, 'appGroups.all', (d) => d.select().from(appGroups).prepare()).all();
  if (groups.length === 0) return [];
  const members: { appId: string; groupId: string; userId: string }[] = [];
  if (userIds === undefined) members.push(...(await db.select().from(appGroupMembers)));
  else {
    const query = prepared(db, 'appGroupMembers.ofUsers', (d) => d.select().from(appGroupMembers).where(inJson(appGroupMembers.userId, 'userIds')).prepare());
    for (const chunk of jsonChunks(userIds)) members.push(...(await query.all({ userIds: chunk })));
  }
  const byGroup = new Map<string, string[]>();
  for (const m of members) {
    const key = `${m.appId}\u0000${m.groupId}`;
    const list = byGroup.get(key);
    if (list) list.push(m.userId);
    else byGroup.set(key, [m.userId]);
  }
  return groups
    .map((g) => ({ appId: g.appId, groupId: g.groupId, name: g.name, ...(g.description !== null ? { description: g.description } : {}), members: (byGroup.get(`${g.appId}\u0000${g.groupId}`) ?? []).sort() }))
    .sort((a, b) => a.appId.localeCompare(b.appId) || a.groupId.localeCompare(b.groupId));
}

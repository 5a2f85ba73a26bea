import type { Action, DesiredAccount, Json, ObservedAccount, Reason } from '../types.ts';
import { canonicalJson } from '../hash.ts';
import type { ActionDefinition, ActionDraft } from './types.ts';
import { accountWords, shownValue } from './types.ts';

export const accountUpdate: ActionDefinition = {
  type: 'account.update',
  order: 2,
  manual: true,
  describe(action, names) {
    const parts: string[] = [];
    if (action.role !== undefined) parts.push(`set role to \`${action.role}\``);
    const changes = action.changes ?? {};
    for (const key of Object.keys(changes).sort()) {
      const change = changes[key];
      if (!change) continue;
      const was = change.from === undefined ? 'unset' : `\`${shownValue(change.from)}\``;
      parts.push(`set \`${key}\` to \`${shownValue(change.to)}\` (was ${was})`);
    }
    return `update the ${accountWords(action, names)}: ${parts.join(', ')}`;
  },
};

/** What differs between the desired and the observed account; create-only attributes never do. */
export interface AccountDiff {
  role?: { from: string | undefined; to: string };
  changes: NonNullable<Action['changes']>;
}

export function diffAccount(desired: DesiredAccount, observed: ObservedAccount): AccountDiff | undefined {
  const roleChanged = desired.role !== undefined && desired.role !== observed.role;
  // The common case in a steady state: nothing mapped, same role.
  if (!roleChanged && isEmpty(desired.attributes)) return undefined;
  const changes: AccountDiff['changes'] = {};
  let changed = false;
  const seen = observed.attributes ?? {};
  for (const name of Object.keys(desired.attributes).sort()) {
    if (desired.createOnly.includes(name)) continue;
    const to = desired.attributes[name] as Json;
    const from = seen[name];
    if (from !== undefined && canonicalJson(from) === canonicalJson(to)) continue;
    changes[name] = { from, to };
    changed = true;
  }
  if (!changed && !roleChanged) return undefined;
  return roleChanged ? { role: { from: observed.role, to: desired.role as string }, changes } : { changes };
}

function isEmpty(record: Record<string, Json>): boolean {
  for (const _ in record) return false;
  return true;
}

/** Only what changed: attributes as `{from, to}`, and `role` when the role changes. */
export function buildUpdate(userId: string, appId: string, diff: AccountDiff, reason: Reason): ActionDraft {
  const changed = Object.keys(diff.changes).length > 0;
  return { type: 'account.update', userId, appId, role: diff.role?.to, changes: changed ? diff.changes : undefined, reason };
}

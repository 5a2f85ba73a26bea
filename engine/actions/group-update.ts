import type { ActionDefinition } from './types.ts';
import { shownValue } from './types.ts';

export const groupUpdate: ActionDefinition = {
  type: 'group.update',
  order: 9,
  manual: false,
  describe(action, names) {
    const changes = action.changes ?? {};
    const parts = Object.keys(changes)
      .sort()
      .map((key) => `set \`${key}\` to \`${shownValue(changes[key]?.to)}\``);
    return `update group \`${action.groupId}\` in \`${names?.app ?? action.appId}\`: ${parts.join(', ')}`;
  },
};

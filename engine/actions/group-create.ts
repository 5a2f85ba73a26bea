import type { ActionDefinition } from './types.ts';

export const groupCreate: ActionDefinition = {
  type: 'group.create',
  order: 8,
  manual: false,
  describe: (action, names) => `create group \`${String(action.attributes?.name ?? action.groupId)}\` in \`${names?.app ?? action.appId}\``,
};

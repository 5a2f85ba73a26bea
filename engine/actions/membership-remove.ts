import type { ActionDefinition } from './types.ts';

export const membershipRemove: ActionDefinition = {
  type: 'membership.remove',
  order: 11,
  manual: false,
  describe: (action) => `remove \`${action.userId}\` from group \`${action.groupId}\`${action.appId === undefined ? '' : ` in \`${action.appId}\``}`,
};

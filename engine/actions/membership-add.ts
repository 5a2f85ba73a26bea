import type { ActionDefinition } from './types.ts';

export const membershipAdd: ActionDefinition = {
  type: 'membership.add',
  order: 10,
  manual: false,
  describe: (action) => `add \`${action.userId}\` to group \`${action.groupId}\`${action.appId === undefined ? '' : ` in \`${action.appId}\``}`,
};

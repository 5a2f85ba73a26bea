import type { ActionDefinition } from './types.ts';
import { accountWords } from './types.ts';

export const accountSuspend: ActionDefinition = {
  type: 'account.suspend',
  order: 3,
  manual: true,
  describe: (action, names) => `suspend the ${accountWords(action, names)}`,
};

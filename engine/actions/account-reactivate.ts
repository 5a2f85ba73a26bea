import type { ActionDefinition } from './types.ts';
import { accountWords } from './types.ts';

export const accountReactivate: ActionDefinition = {
  type: 'account.reactivate',
  order: 1,
  manual: true,
  describe: (action, names) => `reactivate the ${accountWords(action, names)}`,
};

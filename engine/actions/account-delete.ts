import type { ActionDefinition } from './types.ts';
import { accountWords } from './types.ts';

export const accountDelete: ActionDefinition = {
  type: 'account.delete',
  order: 5,
  manual: true,
  describe: (action, names) => `delete the ${accountWords(action, names)}`,
};

import type { ActionDefinition } from './types.ts';
import { accountWords } from './types.ts';

export const accountDeactivate: ActionDefinition = {
  type: 'account.deactivate',
  order: 4,
  manual: true,
  describe: (action, names) => `deactivate the ${accountWords(action, names)}`,
};

import type { ActionDefinition } from './types.ts';
import { accountWords } from './types.ts';

/** Carries only `attributes.sealed` (the edge's ciphertext or reference) and `changedAt`: never a password. */
export const passwordSet: ActionDefinition = {
  type: 'password.set',
  order: 6,
  manual: false,
  describe: (action, names) => `set the password of the ${accountWords(action, names)} (sealed)`,
};

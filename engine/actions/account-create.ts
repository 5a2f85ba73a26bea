import type { DesiredAccount, Reason } from '../types.ts';
import type { ActionDefinition, ActionDraft } from './types.ts';
import { valueWords } from './types.ts';

export const accountCreate: ActionDefinition = {
  type: 'account.create',
  order: 0,
  manual: true,
  describe(action, names) {
    const role = action.role === undefined ? '' : ` as \`${action.role}\``;
    const values = valueWords(action.attributes);
    return `create an account in \`${names?.app ?? action.appId}\` for \`${action.userId}\`${role}${values ? ` with ${values}` : ''}`;
  },
};

/** A new account with every desired attribute, create-only ones included. */
export function buildCreate(userId: string, account: DesiredAccount, reason: Reason): ActionDraft {
  return { type: 'account.create', userId, appId: account.appId, role: account.role, attributes: account.attributes, reason };
}

import type { ActionType, CompiledApp } from '../types.ts';
import type { ActionDefinition, ActionDraft } from './types.ts';

/** The account operation a manual task stands for, recorded on the task for whoever confirms it. */
export function taskOperation(action: { attributes?: Record<string, unknown> }): ActionType | undefined {
  const operation = action.attributes?.operation;
  return typeof operation === 'string' ? (operation as ActionType) : undefined;
}

export const taskManual: ActionDefinition = {
  type: 'task.manual',
  order: 20,
  manual: false,
  sortsAs: taskOperation,
  describe(action) {
    const task = action.attributes?.task;
    return typeof task === 'string' ? task : `manual task for \`${action.userId}\` in \`${action.appId}\``;
  },
};

/**
 * An app with no API: the account change becomes a task for the app's owners, carrying the
 * change itself (`operation`, `role`, `changes`, `attributes.account`) so confirming it can
 * record the account.
 */
export function buildManualTask(draft: ActionDraft, app: CompiledApp, describe: (draft: ActionDraft, names: { app?: string }) => string): ActionDraft {
  const owners = app.source.owners ?? [];
  const what = describe(draft, { app: app.source.name ?? app.id });
  // Who must act, then what to do: the e-mail subject and the approvals list read this line.
  const task = owners.length > 0 ? `ask ${owners.map((o) => `\`${o}\``).join(' or ')} to ${what}` : what;
  const attributes: Record<string, NonNullable<ActionDraft['attributes']>[string]> = {
    task,
    operation: draft.type,
    owners: [...owners],
  };
  if (draft.attributes) attributes.account = draft.attributes;
  return {
    type: 'task.manual',
    userId: draft.userId,
    appId: draft.appId,
    role: draft.role,
    attributes,
    changes: draft.changes,
    reason: draft.reason,
  };
}

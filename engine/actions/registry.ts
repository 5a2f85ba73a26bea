// Every action kind the planner emits, by type: order, manual handling, words.
import { ACTION_TYPES } from '../types.ts';
import type { ActionType } from '../types.ts';
import type { ActionPayload } from '../ids.ts';
import { accountCreate } from './account-create.ts';
import { accountDeactivate } from './account-deactivate.ts';
import { accountDelete } from './account-delete.ts';
import { accountReactivate } from './account-reactivate.ts';
import { accountSuspend } from './account-suspend.ts';
import { accountUpdate } from './account-update.ts';
import { groupCreate } from './group-create.ts';
import { groupUpdate } from './group-update.ts';
import { membershipAdd } from './membership-add.ts';
import { membershipRemove } from './membership-remove.ts';
import { passwordSet } from './password-set.ts';
import { taskManual } from './task-manual.ts';
import type { ActionDefinition } from './types.ts';

const definitions: readonly ActionDefinition[] = [
  accountCreate,
  accountReactivate,
  accountUpdate,
  accountSuspend,
  accountDeactivate,
  accountDelete,
  passwordSet,
  groupCreate,
  groupUpdate,
  membershipAdd,
  membershipRemove,
  taskManual,
];

export const actionDefinitions: Partial<Record<ActionType, ActionDefinition>> = Object.fromEntries(
  definitions.map((definition) => [definition.type, definition]),
);

/** A kind without a definition sorts after the known ones. */
function definedOrder(type: ActionType): number {
  return actionDefinitions[type]?.order ?? 100 + ACTION_TYPES.indexOf(type);
}

/** Where an action sorts among its subject's actions; a manual task sorts as the change it stands for. */
export function actionOrder(action: ActionPayload): number {
  return definedOrder(actionDefinitions[action.type]?.sortsAs?.(action) ?? action.type);
}

/** True when an admin must do this by hand on an app with no API. */
export function isManualWork(type: ActionType): boolean {
  return actionDefinitions[type]?.manual ?? false;
}

/** What an action does, in words. */
export function describeAction(action: ActionPayload, names?: { app?: string }): string {
  const definition = actionDefinitions[action.type];
  return definition ? definition.describe(action, names) : `${action.type} for \`${action.userId ?? action.groupId}\``;
}

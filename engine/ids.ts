// Action ids are the dispatch idempotency key: a hash of what the action does, never of when.
import { hashJson } from './hash.ts';
import type { Action } from './types.ts';

/** Hex digits kept: 80 bits, collision-free in practice for any one organisation's actions. */
const ID_LENGTH = 20;

/** The parts of an action that say what it does; the reason (and so the rule-set version) is left out. */
export type ActionPayload = Omit<Action, 'id' | 'reason'>;

/** Deterministic id: same type, subject, app and payload give the same id, whatever the `asOf`. */
export function actionId(payload: ActionPayload): string {
  return hashJson({
    type: payload.type,
    userId: payload.userId,
    groupId: payload.groupId,
    appId: payload.appId,
    role: payload.role,
    attributes: payload.attributes,
    changes: payload.changes,
    notBefore: payload.notBefore,
  }).slice(0, ID_LENGTH);
}

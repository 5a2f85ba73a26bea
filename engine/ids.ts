// Action ids are the dispatch idempotency key: a hash of what the action does, never of when.
import { canonicalJson, sha256HexPrefix } from './hash.ts';
import type { Action } from './types.ts';

/** Hex digits kept: 80 bits, collision-free in practice for any one organisation's actions. */
const ID_LENGTH = 20;

/** The parts of an action that say what it does; the reason (and so the rule-set version) is left out. */
export type ActionPayload = Omit<Action, 'id' | 'reason'>;

/**
 * Deterministic id: same type, subject, app and payload give the same id, whatever the `asOf`.
 * It is the hash of the canonical JSON of `{type, userId, groupId, appId, role, attributes,
 * changes, notBefore}`, written here directly in canonical (sorted) key order, as
 * `hashJson` of that object would write it (ids.test.ts checks both give the same).
 */
export function actionId(payload: ActionPayload): string {
  let text = '{';
  text = field(text, '"appId":', payload.appId);
  text = field(text, '"attributes":', payload.attributes);
  text = field(text, '"changes":', payload.changes);
  text = field(text, '"groupId":', payload.groupId);
  text = field(text, '"notBefore":', payload.notBefore);
  text = field(text, '"role":', payload.role);
  text = field(text, '"type":', payload.type);
  text = field(text, '"userId":', payload.userId);
  return sha256HexPrefix(text + '}', ID_LENGTH);
}

function field(text: string, key: string, value: unknown): string {
  if (value === undefined) return text;
  return (text.length > 1 ? text + ',' : text) + key + canonicalJson(value);
}

// Action ids are the dispatch idempotency key: a hash of what the action does, never of when.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Action } from './types.ts';

/** Hex digits kept: 80 bits, collision-free in practice for any one organisation's actions. */
const ID_LENGTH = 20;

/** JSON with object keys sorted at every level, `undefined` members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** Short sha256 hex over a value's canonical JSON. */
export function shortHash(value: unknown): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(value)))).slice(0, ID_LENGTH);
}

/** The parts of an action that say what it does; the reason (and so the rule-set version) is left out. */
export type ActionPayload = Omit<Action, 'id' | 'reason'>;

/** Deterministic id: same type, subject, app and payload give the same id, whatever the `asOf`. */
export function actionId(payload: ActionPayload): string {
  return shortHash({
    type: payload.type,
    userId: payload.userId,
    groupId: payload.groupId,
    appId: payload.appId,
    role: payload.role,
    attributes: payload.attributes,
    changes: payload.changes,
    notBefore: payload.notBefore,
  });
}

// Matching expected actions against actual ones for rule tests, and saying how they differ.
// An expected action matches an actual one when every field it names is equal (objects
// compared as subsets, arrays item by item); `null` means "absent".
import type { Action, Json } from './types.ts';

export type Expected = Record<string, unknown>;

/** Where `expected` differs from `actual`, as `path: expected X, got Y` lines; empty when it matches. */
export function differences(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null) return actual === null || actual === undefined ? [] : [`${path || 'value'}: expected absent, got ${flow(actual)}`];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${path || 'value'}: expected ${flow(expected)}, got ${flow(actual)}`];
    return expected.flatMap((item, i) => differences(item, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== undefined) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path || 'value'}: expected ${flow(expected)}, got ${flow(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) => differences(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key));
  }
  return expected === actual ? [] : [`${path || 'value'}: expected ${flow(expected)}, got ${flow(actual)}`];
}

export function matches(expected: Expected, actual: Action): boolean {
  return differences(expected, actual).length === 0;
}

/**
 * Pairs each expected action with a distinct actual action (maximum bipartite matching, so
 * a general expectation never steals the only match of a specific one).
 * Returns `pairOf[e] = index of the actual action`, or -1 when none is left for it.
 */
export function pairActions(expected: Expected[], actual: Action[]): number[] {
  const candidates = expected.map((e) => actual.flatMap((a, i) => (matches(e, a) ? [i] : [])));
  const ownerOf = new Array<number>(actual.length).fill(-1);
  const tryAssign = (e: number, seen: Set<number>): boolean => {
    for (const a of candidates[e] ?? []) {
      if (seen.has(a)) continue;
      seen.add(a);
      const owner = ownerOf[a] ?? -1;
      if (owner === -1 || tryAssign(owner, seen)) {
        ownerOf[a] = e;
        return true;
      }
    }
    return false;
  };
  expected.forEach((_, e) => tryAssign(e, new Set()));
  const pairOf = expected.map(() => -1);
  ownerOf.forEach((e, a) => {
    if (e !== -1) pairOf[e] = a;
  });
  return pairOf;
}

/** The actual action most like `expected`: fewest differing fields, same type preferred. */
export function closest(expected: Expected, actual: Action[]): { action: Action; diff: string[] } | undefined {
  let best: { action: Action; diff: string[] } | undefined;
  for (const action of actual) {
    const diff = differences(expected, action);
    const sameType = expected.type === undefined || expected.type === action.type;
    const bestSameType = best !== undefined && (expected.type === undefined || expected.type === best.action.type);
    if (!best || (sameType && !bestSameType) || (sameType === bestSameType && diff.length < best.diff.length)) best = { action, diff };
  }
  return best;
}

const MAX_LINE = 240;

/** One line per action: `account.create user=u1 app=github role=developer {login: jdoe}`. */
export function describeAction(action: Action): string {
  const parts: string[] = [action.type];
  if (action.userId !== undefined) parts.push(`user=${action.userId}`);
  if (action.appId !== undefined) parts.push(`app=${action.appId}`);
  if (action.groupId !== undefined) parts.push(`group=${action.groupId}`);
  if (action.role !== undefined) parts.push(`role=${action.role}`);
  if (action.notBefore !== undefined) parts.push(`notBefore=${action.notBefore}`);
  // A manual task's `task` sentence repeats the rest of the action; leave it out here.
  const shown: Record<string, Json> = { ...action.attributes };
  if (action.type === 'task.manual') delete shown.task;
  if (Object.keys(shown).length > 0) parts.push(`attributes=${flow(shown)}`);
  if (action.changes !== undefined) parts.push(`changes=${flow(action.changes)}`);
  if (action.reason.rules.length > 0) parts.push(`(rules: ${action.reason.rules.join(', ')})`);
  const line = parts.join(' ');
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** Compact YAML-flow-like rendering: `{type: account.create, userId: u1}`. */
export function flow(value: unknown): string {
  if (value === undefined) return 'absent';
  if (value === null) return 'null';
  if (typeof value === 'string') return /^[\w@./:+-][\w@./:+ -]*$/.test(value) && !/^(true|false|null|[-\d.]+)$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, Json>).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${flow(v)}`).join(', ')}}`;
  return String(value);
}

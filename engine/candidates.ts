import type { Condition } from './types.ts';

// Which rules could match a user, without testing them all. Most assignment rules pin one
// attribute to a value (`department equal Engineering`, `location in [...]`) under a root
// `all`; bucketing rules by the attribute most of them pin turns 100 tests per user into the
// handful that can match. The decision is unchanged: candidates are still tested in full.

export interface CandidateIndex {
  /** The indexed fact, or undefined when no rule pins one. */
  fact: string | undefined;
  /** Value → indices of rules that may match it, merged with `always`, ascending. */
  buckets: Map<unknown, readonly number[]>;
  /** Rules that do not pin the fact: candidates for everyone. */
  always: readonly number[];
}

type Primitive = string | number | boolean | null;

function isPrimitive(value: unknown): value is Primitive {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
}

/** The values a condition pins `fact` to, when it is `all` (or a leaf) with `equal`/`in` on it. */
export function pinnedValues(condition: Condition): Map<string, Primitive[]> {
  const pins = new Map<string, Primitive[]>();
  const leaves: Condition[] = 'all' in condition ? condition.all : 'fact' in condition ? [condition] : [];
  for (const leaf of leaves) {
    if (!('fact' in leaf) || leaf.path !== undefined || leaf.fact in Object.prototype || pins.has(leaf.fact)) continue;
    if (leaf.operator === 'equal' && isPrimitive(leaf.value)) pins.set(leaf.fact, [leaf.value]);
    else if (leaf.operator === 'in' && Array.isArray(leaf.value) && leaf.value.every(isPrimitive)) pins.set(leaf.fact, leaf.value as Primitive[]);
  }
  return pins;
}

export function buildCandidateIndex(conditions: readonly Condition[]): CandidateIndex {
  const pins = conditions.map(pinnedValues);
  const counts = new Map<string, number>();
  for (const pin of pins) for (const fact of pin.keys()) counts.set(fact, (counts.get(fact) ?? 0) + 1);
  let fact: string | undefined;
  let best = 0;
  for (const [name, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (count > best) [fact, best] = [name, count];
  }
  const always: number[] = [];
  const byValue = new Map<unknown, number[]>();
  pins.forEach((pin, i) => {
    const values = fact === undefined ? undefined : pin.get(fact);
    if (values === undefined) {
      always.push(i);
      return;
    }
    for (const value of new Set(values)) {
      const list = byValue.get(value) ?? [];
      list.push(i);
      byValue.set(value, list);
    }
  });
  const buckets = new Map<unknown, readonly number[]>();
  for (const [value, list] of byValue) buckets.set(value, mergeSorted(list, always));
  return { fact, buckets, always };
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Indices (ascending) of the rules worth testing for this profile. */
export function candidatesFor(index: CandidateIndex, user: Record<string, unknown>): readonly number[] {
  if (index.fact === undefined) return index.always;
  return index.buckets.get(user[index.fact]) ?? index.always;
}

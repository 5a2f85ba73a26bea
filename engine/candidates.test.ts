import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticRules, syntheticUsers } from '../bench/synthetic.ts';
import { buildCandidateIndex, candidatesFor } from './candidates.ts';
import { compileCondition } from './conditions/compile.ts';
import { makeContext } from './context.ts';
import type { Condition } from './types.ts';

const ctx = makeContext('2026-11-28T00:00:00Z');

describe('candidate index', () => {
  it('buckets rules by the fact most of them pin, keeping the rest for everyone', () => {
    const conditions: Condition[] = [
      { all: [{ fact: 'department', operator: 'equal', value: 'Engineering' }] },
      { any: [{ fact: 'department', operator: 'equal', value: 'Sales' }] },
      { all: [{ fact: 'department', operator: 'in', value: ['Sales', 'Engineering'] }, { fact: 'level', operator: 'greaterThan', value: 3 }] },
      { all: [{ fact: 'location', operator: 'equal', value: 'Berlin' }] },
    ];
    const index = buildCandidateIndex(conditions);
    expect(index.fact).toBe('department');
    expect(candidatesFor(index, { department: 'Engineering' })).toEqual([0, 1, 2, 3]);
    expect(candidatesFor(index, { department: 'Sales' })).toEqual([1, 2, 3]);
    expect(candidatesFor(index, { department: 'Legal' })).toEqual([1, 3]);
    expect(candidatesFor(index, {})).toEqual([1, 3]);
  });

  it('never drops a rule that matches (synthetic organisation, every user)', () => {
    const { conditions } = syntheticRules(100);
    const list = [...conditions.values()];
    const compiled = list.map(compileCondition);
    const index = buildCandidateIndex(list);
    for (const user of syntheticUsers(3000)) {
      const all = compiled.flatMap((c, i) => (c.test(user, ctx) ? [i] : []));
      const viaIndex = candidatesFor(index, user).filter((i) => compiled[i]!.test(user, ctx));
      expect(viaIndex).toEqual(all);
    }
  });

  it('keeps every match for random pins and values', () => {
    const value = fc.constantFrom('a', 'b', 1, 0, true, null, 'x');
    const cond = fc.oneof(
      fc.record({ all: fc.array(fc.record({ fact: fc.constantFrom('f', 'g'), operator: fc.constantFrom('equal', 'in', 'notEqual'), value: fc.oneof(value, fc.array(value, { maxLength: 3 })) }), { maxLength: 3 }) }),
      fc.record({ fact: fc.constantFrom('f', 'g'), operator: fc.constant('equal'), value }),
    ) as fc.Arbitrary<Condition>;
    fc.assert(
      fc.property(fc.array(cond, { maxLength: 8 }), fc.record({ f: value, g: value }, { requiredKeys: [] }), (conds, user) => {
        const valid = conds.filter((c) => !('all' in c) || c.all.every((l) => !('fact' in l) || l.operator !== 'in' || Array.isArray(l.value)));
        const compiled = valid.map(compileCondition);
        const index = buildCandidateIndex(valid);
        const all = compiled.flatMap((c, i) => (c.test({ id: 'u', ...user }, ctx) ? [i] : []));
        const viaIndex = candidatesFor(index, user).filter((i) => compiled[i]!.test({ id: 'u', ...user }, ctx));
        expect(viaIndex).toEqual(all);
      }),
      { numRuns: 2000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { makeContext } from '../context.ts';
import type { Condition, User } from '../types.ts';
import { compileCondition } from './compile.ts';

const ctx = makeContext('2026-11-28T12:00:00Z');
const alice: User = {
  id: 'u1',
  department: 'Engineering',
  title: 'Senior Engineer',
  startDate: '2026-12-05',
  hireDate: '2020-03-01',
  manager: { id: 'u9', emails: [{ type: 'work', value: 'boss@acme.test' }] },
  tags: ['oncall', 'sre'],
};
const test = (cond: Condition, user: User = alice) => compileCondition(cond).test(user, ctx);

describe('compileCondition', () => {
  it('decides the extra operators', () => {
    expect(test({ all: [{ fact: 'title', operator: 'startsWith', value: 'Senior' }] })).toBe(true);
    expect(test({ all: [{ fact: 'title', operator: 'endsWith', value: 'Manager' }] })).toBe(false);
    expect(test({ all: [{ fact: 'title', operator: 'matches', value: '^(Senior|Staff) ' }] })).toBe(true);
    expect(test({ all: [{ fact: 'nickname', operator: 'exists', value: false }] })).toBe(true);
    expect(test({ all: [{ fact: 'manager', path: '$.emails[0].value', operator: 'endsWith', value: '@acme.test' }] })).toBe(true);
  });

  it('reads dates relative to asOf', () => {
    expect(test({ all: [{ fact: 'startDate', operator: 'withinNextDays', value: 7 }] })).toBe(true);
    expect(test({ all: [{ fact: 'startDate', operator: 'withinNextDays', value: 6 }] })).toBe(false);
    expect(test({ all: [{ fact: 'hireDate', operator: 'before', value: -365 }] })).toBe(true);
    expect(test({ all: [{ fact: 'startDate', operator: 'after', value: '2026-12-01' }] })).toBe(true);
    expect(test({ all: [{ fact: 'startDate', operator: 'withinPastDays', value: 30 }] })).toBe(false);
    // The same rule at another asOf decides differently: time is an input, not a clock.
    const later = compileCondition({ all: [{ fact: 'startDate', operator: 'withinPastDays', value: 30 }] });
    expect(later.test(alice, makeContext('2026-12-20T00:00:00Z'))).toBe(true);
  });

  it('traces every leaf with the value it saw', () => {
    const compiled = compileCondition({
      any: [
        { fact: 'department', operator: 'equal', value: 'Sales' },
        { not: { fact: 'tags', operator: 'contains', value: 'intern' } },
      ],
    });
    expect(compiled.facts).toEqual(['department', 'tags']);
    expect(compiled.trace(alice, ctx)).toEqual({
      type: 'any',
      result: true,
      children: [
        { type: 'leaf', fact: 'department', operator: 'equal', value: 'Sales', seen: 'Engineering', result: false },
        { type: 'not', result: true, children: [{ type: 'leaf', fact: 'tags', operator: 'contains', value: 'intern', seen: ['oncall', 'sre'], result: false }] },
      ],
    });
  });

  it('never reads inherited properties as facts', () => {
    expect(test({ all: [{ fact: 'constructor', operator: 'exists', value: false }] })).toBe(true);
  });

  it('matches long `in` lists the same as short ones', () => {
    const many = Array.from({ length: 50 }, (_, i) => `Dept ${i}`);
    expect(test({ all: [{ fact: 'department', operator: 'in', value: [...many, 'Engineering'] }] })).toBe(true);
    expect(test({ all: [{ fact: 'department', operator: 'notIn', value: many }] })).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { checkCondition } from './check.ts';

const codes = (cond: unknown, attributes?: Record<string, 'string' | 'number' | 'date' | 'string[]'>) =>
  checkCondition(cond, attributes ? { attributes } : {}).map((d) => `${d.severity}:${d.code}@${(d.path ?? []).join('.')}`);

describe('checkCondition', () => {
  it('accepts the issue sample', () => {
    expect(codes({ all: [{ fact: 'department', operator: 'equal', value: 'Engineering' }] })).toEqual([]);
  });

  it('reports every problem at once, each with its path', () => {
    const found = codes({
      all: [
        { fact: 'department', operator: 'equals', value: 'Engineering' },
        { fact: 'title', operator: 'matches', value: '(unclosed' },
        { fact: 'location', operator: 'in', value: 'Berlin' },
        { fact: 'x', operator: 'equal', value: 1, extra: true },
        { fact: 'x', operator: 'equal' },
        { any: [], all: [] },
      ],
    });
    expect(found).toEqual([
      'error:condition.unknown-operator@all.0.operator',
      'error:condition.bad-regex@all.1.value',
      'error:condition.value-type@all.2.value',
      'error:condition.unknown-key@all.3.extra',
      'error:condition.missing-key@all.4',
      'error:condition.ambiguous@all.5',
    ]);
  });

  it('names the operator and value in words', () => {
    const [d] = checkCondition({ all: [{ fact: 'location', operator: 'in', value: 'Berlin' }] });
    expect(d!.message).toBe('operator `in` needs a list as `value`, got a string');
  });

  it('checks decorated operators and fact references', () => {
    expect(codes({ all: [{ fact: 'tags', operator: 'someFact:startsWith', value: 'eng' }] })).toEqual([]);
    expect(codes({ all: [{ fact: 'tags', operator: 'someValue:equal', value: 'eng' }] })).toEqual(['error:condition.value-type@all.0.value']);
    expect(codes({ all: [{ fact: 'tags', operator: 'unknown:equal', value: 1 }] })).toEqual(['error:condition.unknown-operator@all.0.operator']);
    expect(codes({ all: [{ fact: 'a', operator: 'in', value: { fact: 'b' } }] })).toEqual(['error:condition.dynamic-value@all.0.value']);
    expect(codes({ all: [{ fact: 'a', operator: 'equal', value: { fact: 'b', path: '$.x' } }] })).toEqual([]);
  });

  it('rejects paths that could match more than one value', () => {
    expect(codes({ all: [{ fact: 'manager', path: '$..id', operator: 'equal', value: 1 }] })).toEqual(['error:condition.unsupported-path@all.0.path']);
    expect(codes({ all: [{ fact: 'manager', path: "$.emails[0]['type']", operator: 'equal', value: 1 }] })).toEqual([]);
  });

  it('checks values against declared attribute types', () => {
    const attrs = { department: 'string', level: 'number', startDate: 'date', tags: 'string[]' } as const;
    expect(codes({ all: [{ fact: 'department', operator: 'equal', value: 5 }] }, attrs)).toEqual(['error:condition.attribute-type@all.0.value']);
    expect(codes({ all: [{ fact: 'level', operator: 'in', value: [1, '2'] }] }, attrs)).toEqual(['error:condition.attribute-type@all.0.value']);
    expect(codes({ all: [{ fact: 'department', operator: 'greaterThan', value: 3 }] }, attrs)).toEqual(['error:condition.attribute-type@all.0.operator']);
    expect(codes({ all: [{ fact: 'tags', operator: 'contains', value: 'oncall' }] }, attrs)).toEqual([]);
    expect(codes({ all: [{ fact: 'startDate', operator: 'before', value: -30 }] }, attrs)).toEqual([]);
    expect(codes({ all: [{ fact: 'nickname', operator: 'equal', value: 'x' }] }, attrs)).toEqual(['warning:condition.unknown-fact@all.0.fact']);
  });

  it('warns that an empty list is always true', () => {
    expect(codes({ any: [] })).toEqual(['warning:condition.empty@any']);
  });
});

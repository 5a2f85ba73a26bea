import { describe, expect, it } from 'vitest';
import type { ConditionTrace, LeafTrace } from '../types.ts';
import { decisiveLeaves, ruleReason } from './reasons.ts';

const leaf = (fact: string, result: boolean): LeafTrace => ({ type: 'leaf', fact, operator: 'equal', value: 'x', seen: result ? 'x' : 'y', result });

describe('decisiveLeaves', () => {
  it('keeps every leaf of a matched `all`, only the holding ones of a matched `any`', () => {
    const trace: ConditionTrace = {
      type: 'all',
      result: true,
      children: [leaf('department', true), { type: 'any', result: true, children: [leaf('location', false), leaf('title', true)] }],
    };
    expect(decisiveLeaves(trace).map((l) => l.fact)).toEqual(['department', 'title']);
  });

  it('under `not`, keeps the leaves that failed, which is what made it match', () => {
    const trace: ConditionTrace = {
      type: 'not',
      result: true,
      children: [{ type: 'any', result: false, children: [leaf('employeeType', false), leaf('status', false)] }],
    };
    expect(decisiveLeaves(trace).map((l) => l.fact)).toEqual(['employeeType', 'status']);
  });
});

describe('ruleReason', () => {
  it('names every rule involved and the winner\'s matched conditions', () => {
    const because = [
      { ruleId: 'leads', kind: 'assignment' as const, priority: 200, trace: leaf('title', true) },
      { ruleId: 'eng', kind: 'assignment' as const, priority: 100, trace: leaf('department', true) },
    ];
    expect(ruleReason('why', because, 'v')).toEqual({ summary: 'why', rules: ['leads', 'eng'], version: 'v', matched: [{ ruleId: 'leads', conditions: [leaf('title', true)] }] });
  });
});

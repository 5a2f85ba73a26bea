import { describe, expect, it } from 'vitest';
import type { ConditionTrace, LeafTrace } from '../types.ts';
import { assignsWords, decisiveLeaves, joinsWords, ruleReason } from './reasons.ts';

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

describe('decisiveLeaves of a matched `all` of leaves', () => {
  it('is every leaf, in order, and only then', () => {
    const held: ConditionTrace = { type: 'all', result: true, children: [leaf('department', true), leaf('title', true)] };
    expect(decisiveLeaves(held)).toEqual([leaf('department', true), leaf('title', true)]);
    expect(decisiveLeaves({ type: 'all', result: true, children: [] })).toEqual([]);
    const failed: ConditionTrace = { type: 'all', result: false, children: [leaf('department', true), leaf('title', false)] };
    expect(decisiveLeaves(failed)).toEqual([leaf('department', true)]);
    expect(decisiveLeaves(failed, false)).toEqual([leaf('title', false)]);
  });
});

describe('ruleReason with several rules', () => {
  const match = { ruleId: 'eng', kind: 'assignment' as const, priority: 100, trace: { type: 'all' as const, result: true, children: [leaf('department', true), leaf('title', true)] } };

  it('lists every rule that reached the app, the winner first, and only the winner\'s conditions', () => {
    const other = { ...match, ruleId: 'all-staff', trace: leaf('status', true) };
    expect(ruleReason('why', [match, other], 'v')).toEqual({ summary: 'why', rules: ['eng', 'all-staff'], version: 'v', matched: [{ ruleId: 'eng', conditions: [leaf('department', true), leaf('title', true)] }] });
    expect(ruleReason('why', [other, match], 'v')).toMatchObject({ rules: ['all-staff', 'eng'], matched: [{ ruleId: 'all-staff', conditions: [leaf('status', true)] }] });
    expect(ruleReason('why', [], 'v')).toEqual({ summary: 'why', rules: [], version: 'v', matched: [] });
  });
});

describe('words', () => {
  it('are the same text whether made or remembered', () => {
    expect(assignsWords('eng', 'github', 'developer')).toBe('rule `eng` assigns `github` as `developer`');
    expect(assignsWords('eng', 'github', undefined)).toBe('rule `eng` assigns `github`');
    expect(assignsWords('eng', 'github', 'developer')).toBe('rule `eng` assigns `github` as `developer`');
    expect(assignsWords('eng', 'github', 'undefined')).toBe('rule `eng` assigns `github` as `undefined`');
    expect(joinsWords('eng', 'engineering')).toBe('rule `eng` puts the user in group `engineering`');
    for (let i = 0; i < 5000; i++) expect(joinsWords(`r${i}`, 'g')).toBe(`rule \`r${i}\` puts the user in group \`g\``);
    expect(assignsWords('eng', 'github', undefined)).toBe('rule `eng` assigns `github`');
  });
});

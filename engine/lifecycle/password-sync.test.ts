import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.ts';
import { makeContext } from '../context.ts';
import { evaluate, evaluateUser } from '../evaluate.ts';
import { sha256Hex } from '../hash.ts';
import { plan } from '../plan.ts';
import type { ObservedState } from '../types.ts';
import { planPasswordChange, policyForUser } from './password-sync.ts';
import { validatePassword } from './validate-password.ts';

const ctx = makeContext('2026-01-10T00:00:00Z');
const compile = (...docs: string[]) => compileRules(docs.map((text, i) => ({ path: `rules/${i}.yaml`, text })));

const rules = [
  'kind: app\nid: okta\nconnector: scim\npasswordSync: true',
  'kind: app\nid: github\nconnector: scim',
  'kind: group\nid: admins\nwhen: { fact: title, operator: equal, value: Administrator }',
  'kind: password-policy\nid: base\nminLength: 10\ncommonPasswordCheck: true\nexcludeUsernameParts: true',
  'kind: password-policy\nid: admins\npriority: 100\ngroups: [admins]\nminLength: 16',
  'kind: password-policy\nid: finance\npriority: 100\nwhen: { fact: department, operator: equal, value: Finance }\nminLength: 14',
];

describe('password-policy rule kind', () => {
  it('compiles policies ordered by priority (highest first) then id', () => {
    const { ruleSet, diagnostics } = compile(...rules);
    expect(diagnostics).toEqual([]);
    expect(ruleSet.passwordPolicies?.map((p) => [p.id, p.priority])).toEqual([['admins', 100], ['finance', 100], ['base', 0]]);
  });

  it('checks `when` with the real condition checker', () => {
    const { ruleSet, diagnostics } = compile('kind: password-policy\nid: bad\nwhen: { fact: department, operator: equalz, value: Finance }\nminLength: 8');
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['condition.unknown-operator', 3]]);
    expect(ruleSet.passwordPolicies).toEqual([]);
  });

  it('is part of the rule-set version', () => {
    const a = compile(...rules).ruleSet.version;
    const b = compile(...rules.slice(0, 5), rules[5]!.replace('minLength: 14', 'minLength: 15')).ruleSet.version;
    expect(a).not.toBe(b);
  });
});

describe('policyForUser', () => {
  const { ruleSet } = compile(...rules);
  it('picks by group membership, then conditions, by priority, else the catch-all', () => {
    const pick = (user: Record<string, unknown>) => policyForUser(ruleSet, evaluateUser(ruleSet, { id: 'x', ...user }, ctx), ctx)?.id;
    expect(pick({ title: 'Administrator', department: 'Finance' })).toBe('admins');
    expect(pick({ department: 'Finance' })).toBe('finance');
    expect(pick({ department: 'Sales' })).toBe('base');
  });

  it('takes a profile and groups too', () => {
    expect(policyForUser(ruleSet, { user: { id: 'x' }, groups: ['admins'] }, ctx)?.id).toBe('admins');
    expect(policyForUser(ruleSet, { user: { id: 'x' } }, ctx)?.id).toBe('base');
  });

  it('gives none when no policy applies', () => {
    const { ruleSet: only } = compile(rules[2]!, rules[4]!);
    expect(policyForUser(only, { user: { id: 'x' } }, ctx)).toBeUndefined();
  });
});

describe('planPasswordChange', () => {
  const { ruleSet } = compile(...rules);
  const observed: ObservedState = {
    accounts: [
      { userId: 'ada', appId: 'okta', status: 'active' },
      { userId: 'ada', appId: 'github', status: 'active' },
      { userId: 'bob', appId: 'okta', status: 'active' },
    ],
    memberships: [],
  };

  it('never puts the password in an action, a reason or a trace: only what the edge sealed', () => {
    const password = 'Correct-Horse-Battery-42';
    const ada = { id: 'ada', firstName: 'Ada', department: 'Finance' };
    const desired = evaluateUser(ruleSet, ada, ctx);
    const policy = policyForUser(ruleSet, desired, ctx)!;
    expect(validatePassword(policy.source, ada, password, [], ctx, () => false)).toEqual([]);
    // The edge seals it (here a stand-in: a hash); the engine only ever gets the sealed value.
    const sealed = `sealed:${sha256Hex(`salt:${password}`)}`;
    const result = planPasswordChange(ruleSet, desired, observed, { sealed, changedAt: '2026-01-09T10:00:00Z' }, ctx);
    expect(result.actions.map((a) => [a.type, a.appId, a.attributes])).toEqual([['password.set', 'okta', { sealed, changedAt: '2026-01-09T10:00:00Z' }]]);
    const everything = JSON.stringify({ result, desired, reconcile: plan(ruleSet, evaluate(ruleSet, [ada], ctx), observed, ctx) });
    expect(everything).not.toContain(password);
    expect(everything.toLowerCase()).not.toContain('horse');
  });

  it('gives each change its own action id, and nothing for a user who is not active', () => {
    const desired = evaluateUser(ruleSet, { id: 'ada' }, ctx);
    const once = planPasswordChange(ruleSet, desired, observed, { sealed: 's1', changedAt: '2026-01-09T10:00:00Z' }, ctx).actions[0]!.id;
    const twice = planPasswordChange(ruleSet, desired, observed, { sealed: 's2', changedAt: '2026-01-09T11:00:00Z' }, ctx).actions[0]!.id;
    expect(once).not.toBe(twice);
    const suspended = planPasswordChange(ruleSet, evaluateUser(ruleSet, { id: 'ada', status: 'SUSPENDED' }, ctx), observed, { sealed: 's', changedAt: '2026-01-09T10:00:00Z' }, ctx);
    expect(suspended.actions).toEqual([]);
    expect(suspended.diagnostics.map((d) => d.code)).toEqual(['password.user-not-active']);
  });

  it('refuses password sync on a manual app at compile time', () => {
    const { diagnostics } = compile('kind: app\nid: badge\nconnector: manual\nowners: [a@b.example]\npasswordSync: true');
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['rule.invalid-value', 5]]);
  });
});

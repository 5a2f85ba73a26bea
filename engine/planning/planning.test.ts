// Unit tests for the planner's lifecycle steps: overrides, safety gates and group push, through
// `plan` as callers use it (rules compiled by the real compiler).
import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.ts';
import { makeContext } from '../context.ts';
import { evaluate } from '../evaluate.ts';
import { plan } from '../plan.ts';
import type { ObservedState, PlanOptions, User } from '../types.ts';

const ctx = makeContext('2026-02-01T00:00:00Z');
const rules = (...docs: string[]) => {
  const { ruleSet, diagnostics } = compileRules([{ path: 'rules.yaml', text: docs.join('\n---\n') }]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ruleSet;
};
const slackForEngineers = [
  'kind: app\nid: slack\nconnector: scim\nattributes: { handle: user.id }',
  'kind: app\nid: badge\nconnector: manual\nowners: [desk@x.io]',
  'kind: assignment\nid: eng\nwhen: { fact: department, operator: equal, value: Engineering }\nassign: [{ app: slack }]',
];
const none: ObservedState = { accounts: [], memberships: [] };
const run = (ruleSet: ReturnType<typeof rules>, users: User[], observed = none, options?: PlanOptions) => plan(ruleSet, evaluate(ruleSet, users, ctx), observed, ctx, options);

describe('plan: overrides', () => {
  const ruleSet = rules(...slackForEngineers, 'kind: override\nid: file-allow\nuserId: bo\nappId: slack\neffect: allow\nreason: pilot');

  it('an allow computes the app\'s mapped attributes from the profile; a deny from the options beats a rule file\'s allow', () => {
    const granted = run(ruleSet, [{ id: 'bo', department: 'Sales' }]).actions;
    expect(granted.map((a) => [a.type, a.attributes, a.reason.override?.id])).toEqual([['account.create', { handle: 'bo' }, 'file-allow']]);
    const denied = run(ruleSet, [{ id: 'bo', department: 'Sales' }], none, { overrides: [{ id: 'deny-bo', userId: 'bo', appId: 'slack', effect: 'deny', reason: 'left the pilot' }] });
    expect(denied.actions).toEqual([]);
  });

  it('a deny of an app that keeps unassigned accounts still deactivates, and the reason names the override', () => {
    const keep = rules('kind: app\nid: wiki\nconnector: scim\ndeprovision: { onUnassign: keep }', 'kind: assignment\nid: all\nwhen: { fact: id, operator: exists, value: true }\nassign: [{ app: wiki }]');
    const result = run(keep, [{ id: 'al' }], { accounts: [{ userId: 'al', appId: 'wiki', status: 'active' }], memberships: [] }, { overrides: [{ id: 'x1', userId: 'al', appId: 'wiki', effect: 'deny', reason: 'legal hold' }] });
    expect(result.actions.map((a) => [a.type, a.reason.summary])).toEqual([['account.deactivate', 'override `x1` denies `wiki`: legal hold; app policy: deactivate']]);
  });

  it('an override for an app no rule file defines is a warning, not an action', () => {
    const result = run(ruleSet, [{ id: 'cy' }], none, { overrides: [{ id: 'x', userId: 'cy', appId: 'nope', effect: 'allow', reason: 'r' }] });
    expect(result.actions).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['override.unknown-app']);
  });
});

describe('plan: safety', () => {
  const ruleSet = rules(...slackForEngineers);
  const movers = Array.from({ length: 30 }, (_, i) => ({ id: `u${String(i).padStart(2, '0')}`, department: 'Sales' }));
  const observed: ObservedState = { accounts: Array.from({ length: 100 }, (_, i) => ({ userId: `u${String(i).padStart(2, '0')}`, appId: 'slack', status: 'active' as const })), memberships: [] };

  it('the four-argument call still works and says whether it is held', () => {
    const result = plan(ruleSet, evaluate(ruleSet, movers, ctx), observed, ctx);
    expect([result.held, result.holds?.map((h) => [h.appId, h.count, h.population])]).toEqual([true, [['slack', 30, 100]]]);
    expect(result.actions).toHaveLength(30);
  });

  it('thresholds from the options replace the defaults; an empty list turns the gate off', () => {
    expect(run(ruleSet, movers, observed, { safety: { thresholds: { default: [] } } }).held).toBe(false);
    const strict = run(ruleSet, movers.slice(0, 3), observed, { safety: { thresholds: { default: [{ actions: ['account.deactivate'], max: 2 }] } } });
    expect(strict.holds?.[0]?.reasons).toEqual(['`slack`: 3 accounts would be deactivated, above the limit of 2']);
  });

  it('takes thresholds from settings, and an app file\'s own list over them', () => {
    const withSettings = rules(...slackForEngineers, 'kind: app\nid: wiki\nconnector: scim\nsafety: []', 'kind: settings\nsafety: [{ actions: [account.deactivate], max: 0 }]');
    const wiki = movers.slice(0, 1).map((u) => ({ userId: u.id, appId: 'wiki', status: 'active' as const }));
    const result = run(withSettings, movers.slice(0, 1), { accounts: [...observed.accounts.slice(0, 1), ...wiki], memberships: [] });
    expect(result.holds?.map((h) => h.appId)).toEqual(['slack']);
  });

  it('counts a manual task as the change it stands for, and refuses it when the read failed', () => {
    const badge = rules(...slackForEngineers.slice(0, 2), 'kind: assignment\nid: b\nwhen: { fact: department, operator: equal, value: Engineering }\nassign: [{ app: badge }]');
    const result = run(badge, [{ id: 'u1', department: 'Sales' }], { accounts: [{ userId: 'u1', appId: 'badge', status: 'active' }], memberships: [] }, { safety: { observedHealth: { badge: 'failed' } } });
    expect(result.actions).toEqual([]);
    expect(result.refused?.map((r) => [r.action.type, r.action.attributes?.operation, r.reason])).toEqual([
      ['task.manual', 'account.deactivate', 'observed state of `badge` is failed: an empty or failed read is never a reason to deactivate'],
    ]);
  });

  it('does not count deprovisioning scheduled for later against today\'s thresholds', () => {
    const leavers = movers.map((u) => ({ ...u, department: 'Engineering', terminationDate: '2026-06-30' }));
    const result = run(ruleSet, leavers, observed);
    expect(result.actions.filter((a) => a.type === 'account.deactivate')).toHaveLength(30);
    expect(result.held).toBe(false);
  });
});

describe('plan: group push', () => {
  const ruleSet = rules(
    'kind: app\nid: gh\nconnector: scim',
    'kind: group\nid: eng\nwhen: { fact: department, operator: equal, value: Engineering }\npush: [{ app: gh }]',
    'kind: assignment\nid: a\nwhen: { fact: groups, operator: contains, value: eng }\nassign: [{ app: gh }]',
  );
  const observed: ObservedState = {
    accounts: [{ userId: 'u1', appId: 'gh', status: 'active' }],
    memberships: [{ userId: 'u1', groupId: 'eng' }],
    appGroups: [{ appId: 'gh', name: 'eng', members: ['u1', 'gone'] }],
  };

  it('finds the app\'s group by name, and never removes a member missing from the input', () => {
    const result = run(ruleSet, [{ id: 'u1', department: 'Engineering' }], observed);
    expect(result.actions).toEqual([]);
  });

  it('a DEPROVISIONED user leaves the app group too', () => {
    const result = run(ruleSet, [{ id: 'u1', department: 'Engineering', status: 'DEPROVISIONED' }], observed);
    expect(result.actions.map((a) => `${a.type} ${a.appId ?? '-'}`)).toEqual(['membership.remove -', 'account.deactivate gh', 'membership.remove gh']);
  });
});

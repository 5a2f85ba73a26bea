import { describe, expect, it } from 'vitest';
import type { Action, ActionType } from '../types.ts';
import { checkSafety, DEFAULT_SAFETY_THRESHOLDS, safetyThresholdsSchema } from './safety.ts';
import type { SafetyThresholds } from './safety.ts';

function actions(type: ActionType, appId: string, count: number, from = 0): Action[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${type}:${appId}:u${from + i}`,
    type,
    userId: `u${from + i}`,
    appId,
    reason: { summary: 'no rule assigns this app', rules: [], version: 'v1', matched: [] },
  }));
}

const ok = {};

describe('default threshold: more than 20% deactivated or deleted, population of 100 or more', () => {
  it('passes exactly 20% and holds just above it', () => {
    const at = checkSafety(actions('account.deactivate', 'github', 20), { github: 100 }, DEFAULT_SAFETY_THRESHOLDS, ok);
    expect(at.held).toBe(false);
    expect(at.reasons).toEqual([]);
    const above = checkSafety(actions('account.deactivate', 'github', 21), { github: 100 }, DEFAULT_SAFETY_THRESHOLDS, ok);
    expect(above.held).toBe(true);
    expect(above.reasons).toEqual(['`github`: 21 accounts would be deactivated or deleted, 21% of 100, above the limit of 20%']);
    expect(above.allowed).toHaveLength(21);
    expect(above.refused).toEqual([]);
  });

  it('counts deactivations and deletions together', () => {
    const plan = [...actions('account.deactivate', 'github', 15), ...actions('account.delete', 'github', 15, 100)];
    const result = checkSafety(plan, { github: 120 }, DEFAULT_SAFETY_THRESHOLDS, ok);
    expect(result.held).toBe(true);
    expect(result.holds).toEqual([
      expect.objectContaining({ appId: 'github', count: 30, population: 120, limit: { maxPercent: 20 } }),
    ]);
    expect(result.reasons[0]).toBe('`github`: 30 accounts would be deactivated or deleted, 25% of 120, above the limit of 20%');
  });

  it('does not apply the percent rule below 100 accounts', () => {
    const result = checkSafety(actions('account.delete', 'slack', 90), { slack: 99 }, DEFAULT_SAFETY_THRESHOLDS, ok);
    expect(result.held).toBe(false);
    expect(checkSafety(actions('account.delete', 'slack', 90), { slack: 100 }, DEFAULT_SAFETY_THRESHOLDS, ok).held).toBe(true);
  });

  it('judges each app against its own population', () => {
    const plan = [...actions('account.deactivate', 'github', 30), ...actions('account.deactivate', 'jira', 30)];
    const result = checkSafety(plan, { github: 1000, jira: 100 }, DEFAULT_SAFETY_THRESHOLDS, ok);
    expect(result.holds.map((h) => h.appId)).toEqual(['jira']);
  });

  it('ignores action types the threshold does not name', () => {
    const plan = [...actions('account.suspend', 'github', 80), ...actions('account.create', 'github', 500)];
    expect(checkSafety(plan, { github: 100 }, DEFAULT_SAFETY_THRESHOLDS, ok).held).toBe(false);
  });
});

describe('configured thresholds', () => {
  const thresholds: SafetyThresholds = {
    default: [{ actions: ['account.delete'], max: 10 }],
    apps: {
      payroll: [{ actions: ['account.deactivate', 'account.suspend'], maxPercent: 5, minPopulation: 10 }],
      sandbox: [],
    },
  };

  it('holds on an absolute count per action type', () => {
    const result = checkSafety(actions('account.delete', 'github', 11), {}, thresholds, ok);
    expect(result.reasons).toEqual(['`github`: 11 accounts would be deleted, above the limit of 10']);
    expect(result.holds[0]?.limit).toEqual({ max: 10 });
    expect(checkSafety(actions('account.delete', 'github', 10), {}, thresholds, ok).held).toBe(false);
  });

  it('lets an app replace the default list, or switch the gate off', () => {
    expect(checkSafety(actions('account.delete', 'payroll', 50), { payroll: 50 }, thresholds, ok).held).toBe(false);
    const payroll = checkSafety(actions('account.suspend', 'payroll', 2), { payroll: 20 }, thresholds, ok);
    expect(payroll.reasons).toEqual(['`payroll`: 2 accounts would be deactivated or suspended, 10% of 20, above the limit of 5%']);
    expect(checkSafety(actions('account.delete', 'sandbox', 5000), { sandbox: 5000 }, thresholds, ok).held).toBe(false);
  });

  it('reports every threshold crossed, app by app', () => {
    const both: SafetyThresholds = { default: [{ actions: ['membership.remove'], max: 3, maxPercent: 10, minPopulation: 0 }] };
    const result = checkSafety([...actions('membership.remove', 'b-app', 4), ...actions('membership.remove', 'a-app', 5)], { 'a-app': 10, 'b-app': 100 }, both, ok);
    expect(result.reasons).toEqual([
      '`a-app`: 5 actions would be removed from a group, above the limit of 3',
      '`a-app`: 5 actions would be removed from a group, 50% of 10, above the limit of 10%',
      '`b-app`: 4 actions would be removed from a group, above the limit of 3',
    ]);
  });

  it('validates threshold documents strictly', () => {
    expect(safetyThresholdsSchema.safeParse(DEFAULT_SAFETY_THRESHOLDS).success).toBe(true);
    expect(safetyThresholdsSchema.safeParse({ default: [{ actions: ['account.delete'] }] }).success).toBe(false);
    expect(safetyThresholdsSchema.safeParse({ default: [{ actions: ['account.nuke'], max: 1 }] }).success).toBe(false);
    expect(safetyThresholdsSchema.safeParse({ default: [{ actions: ['account.delete'], max: 1, percent: 3 }] }).success).toBe(false);
    expect(safetyThresholdsSchema.safeParse({ default: [], extra: true }).success).toBe(false);
    expect(safetyThresholdsSchema.safeParse({ default: [{ actions: ['account.delete'], maxPercent: 120 }] }).success).toBe(false);
  });
});

describe('empty or failed observed state', () => {
  const plan = [
    ...actions('account.deactivate', 'github', 3),
    ...actions('account.suspend', 'github', 1, 10),
    ...actions('account.delete', 'github', 1, 20),
    ...actions('membership.remove', 'github', 1, 30),
    ...actions('account.create', 'github', 2, 40),
    ...actions('account.deactivate', 'jira', 1),
  ];

  it('refuses every removal for an app whose read came back empty, and says why', () => {
    const result = checkSafety(plan, { github: 0, jira: 10 }, DEFAULT_SAFETY_THRESHOLDS, { github: 'empty', jira: 'ok' });
    expect(result.refused.map((a) => a.type)).toEqual([
      'account.deactivate',
      'account.deactivate',
      'account.deactivate',
      'account.suspend',
      'account.delete',
      'membership.remove',
    ]);
    expect(result.allowed.map((a) => `${a.appId}:${a.type}`)).toEqual(['github:account.create', 'github:account.create', 'jira:account.deactivate']);
    expect(result.reasons).toEqual([
      '`github`: observed state is empty, never a reason to remove: refused 1 suspension, 3 deactivations, 1 deletion, 1 membership removal',
    ]);
    expect(result.held).toBe(false);
  });

  it('refuses removals for a failed read too, leaving other apps alone', () => {
    const result = checkSafety(actions('account.delete', 'ldap', 2), { ldap: 500 }, DEFAULT_SAFETY_THRESHOLDS, { ldap: 'failed' });
    expect(result.refused).toHaveLength(2);
    expect(result.reasons).toEqual(['`ldap`: observed state is failed, never a reason to remove: refused 2 deletions']);
  });

  it('does not count refused actions against thresholds', () => {
    const many = actions('account.deactivate', 'github', 90);
    const result = checkSafety(many, { github: 100 }, DEFAULT_SAFETY_THRESHOLDS, { github: 'failed' });
    expect(result.held).toBe(false);
    expect(result.refused).toHaveLength(90);
  });
});

import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.ts';
import { makeContext } from '../context.ts';
import { evaluate } from '../evaluate.ts';
import { plan } from '../plan.ts';
import type { ObservedState, User } from '../types.ts';
import { scheduleActions } from './schedule.ts';

const { ruleSet } = compileRules([
  {
    path: 'rules.yaml',
    text: [
      'kind: app\nid: slack\nconnector: scim',
      'kind: assignment\nid: everyone\nwhen: { fact: department, operator: exists, value: true }\nassign: [{ app: slack }]',
      'kind: settings\nlifecycle: { stageDaysBeforeStart: 3 }',
    ].join('\n---\n'),
  },
]);
const simulate = (users: User[], asOf: string, observed: ObservedState = { accounts: [], memberships: [] }) => {
  const ctx = makeContext(asOf);
  return plan(ruleSet, evaluate(ruleSet, users, ctx), observed, ctx);
};
const slack = (userId: string): ObservedState => ({ accounts: [{ userId, appId: 'slack', status: 'active' }], memberships: [] });

describe('termination at the local end of day', () => {
  const mel = { id: 'mel', department: 'Ops', terminationDate: '2026-03-31', timeZone: 'Australia/Melbourne' };
  const lax = { id: 'lax', department: 'Ops', terminationDate: '2026-03-31', timeZone: 'America/Los_Angeles' };
  const observed: ObservedState = { accounts: [...slack('mel').accounts, ...slack('lax').accounts], memberships: [] };

  it('puts Melbourne 18 hours ahead of Los Angeles for the same date', () => {
    const actions = simulate([mel, lax], '2026-03-01T00:00:00Z', observed).actions;
    const at = (id: string) => actions.find((a) => a.userId === id)?.notBefore;
    // Midnight starting 1 April: AEDT is UTC+11 until 5 April, PDT is UTC-7 since 8 March.
    expect(at('mel')).toBe('2026-03-31T13:00:00.000Z');
    expect(at('lax')).toBe('2026-04-01T07:00:00.000Z');
    expect(Date.parse(at('lax')!) - Date.parse(at('mel')!)).toBe(18 * 3_600_000);
  });

  it('keeps the action id from the day it was scheduled to the day it is due', () => {
    const before = simulate([mel], '2026-03-01T00:00:00Z', slack('mel')).actions;
    const after = simulate([mel], '2026-03-31T13:00:00Z', slack('mel')).actions;
    expect(after.map((a) => [a.type, a.id])).toEqual(before.map((a) => [a.type, a.id]));
    expect(after[0]!.reason.summary).toContain('`Australia/Melbourne`');
  });

  it('shows up in a 30-day schedule on each worker\'s UTC day', () => {
    const days = scheduleActions(simulate([mel, lax], '2026-03-15T00:00:00Z', observed).actions, { from: '2026-03-15T00:00:00Z', days: 30 });
    expect(days.map((d) => [d.date, d.actions.map((a) => a.userId)])).toEqual([
      ['2026-03-31', ['mel']],
      ['2026-04-01', ['lax']],
    ]);
  });

  it('ignores a termination before the start date: a rehire', () => {
    const rehire = { id: 'r', department: 'Ops', startDate: '2026-02-01', terminationDate: '2025-06-30' };
    expect(simulate([rehire], '2026-03-01T00:00:00Z').actions.map((a) => a.type)).toEqual(['account.create']);
  });
});

describe('staging before the start date, as `roster simulate --as-of` shows it', () => {
  const hire = { id: 'h', department: 'Ops', startDate: '2026-04-10' };
  it('gives nothing before the window, then the create with notBefore = the staging instant, one id all along', () => {
    expect(simulate([hire], '2026-04-06T23:59:59Z').actions).toEqual([]);
    const first = simulate([hire], '2026-04-07T00:00:00Z').actions;
    const later = simulate([hire], '2026-04-09T12:00:00Z').actions;
    expect(first.map((a) => [a.type, a.notBefore])).toEqual([['account.create', '2026-04-07T00:00:00.000Z']]);
    expect(later.map((a) => a.id)).toEqual(first.map((a) => a.id));
    expect(simulate([hire], '2026-04-10T00:00:00Z').actions.map((a) => a.notBefore)).toEqual([undefined]);
  });

  it('keeps an explicit SUSPENDED status whatever the dates say', () => {
    expect(simulate([{ ...hire, status: 'SUSPENDED' }], '2026-04-08T00:00:00Z').actions).toEqual([]);
  });

  it('warns about an unknown time zone and falls back to the settings\' (UTC here)', () => {
    const ctx = makeContext('2026-04-08T00:00:00Z');
    const [desired] = evaluate(ruleSet, [{ ...hire, timeZone: 'Mars/Olympus' }], ctx);
    expect(desired!.dates?.timeZone).toBe('UTC');
    expect(desired!.diagnostics.map((d) => d.code)).toEqual(['lifecycle.invalid-time-zone']);
  });
});

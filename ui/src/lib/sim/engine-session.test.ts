import { describe, expect, it } from 'vitest';
import { compileRules } from '../../../../engine/compile.ts';
import { makeContext } from '../../../../engine/context.ts';
import { evaluate } from '../../../../engine/evaluate.ts';
import { plan } from '../../../../engine/plan.ts';
import { handle, newSession } from './engine-session.ts';

const app = (id: string) => ({ path: `apps/${id}.yaml`, text: `kind: app\nid: ${id}\nconnector: scim\n` });
const rule = (dept: string) => ({ path: 'assignments/a.yaml', text: `kind: assignment\nid: eng-github\nwhen:\n  all:\n    - { fact: department, operator: equal, value: ${dept} }\nassign:\n  - { app: github }\n` });
const users = [
  { id: 'u1', department: 'Engineering' },
  { id: 'u2', department: 'Product' },
  { id: 'u3', department: 'Engineering' },
];
const clock = () => 0;

describe('the simulator worker’s session', () => {
  it('simulates the population, pages and filters actions, and explains one', () => {
    const state = newSession();
    handle(state, { type: 'population', users }, clock);
    const result = handle(state, { type: 'simulate', files: [app('github'), rule('Engineering')], asOf: '2026-01-01T00:00:00Z' }, clock);
    expect(result.type === 'simulate' && result.summary.actions).toBe(2);
    expect(result.type === 'simulate' && result.summary.counts).toEqual([{ appId: 'github', type: 'account.create', count: 2 }]);
    const page = handle(state, { type: 'actions', filter: { text: 'u3' }, offset: 0, limit: 10 }, clock);
    expect(page.type === 'actions' && page.rows.map((r) => r.userId)).toEqual(['u3']);
    const why = handle(state, { type: 'explain', userId: 'u3' }, clock);
    expect(why.type === 'explain' && why.text).toContain('rule `eng-github`');
  });

  it('plans a population larger than one slice exactly as one plan of everyone would', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `p${String(i).padStart(4, '0')}`, department: i % 3 === 0 ? 'Engineering' : 'Sales', status: i % 7 === 0 ? ('SUSPENDED' as const) : ('ACTIVE' as const) }));
    const files = [app('github'), rule('Engineering')];
    const state = newSession();
    handle(state, { type: 'population', users: many }, clock);
    const result = handle(state, { type: 'simulate', files, asOf: '2026-01-01T00:00:00Z' }, clock);
    const ctx = makeContext('2026-01-01T00:00:00Z');
    const { ruleSet } = compileRules(files);
    const whole = plan(ruleSet, evaluate(ruleSet, many, ctx), { accounts: [], memberships: [] }, ctx);
    expect(whole.actions.length).toBeGreaterThan(1000);
    expect(result.type === 'simulate' && result.summary.actions).toBe(whole.actions.length);
    const rows = handle(state, { type: 'actions', filter: {}, offset: 0, limit: 100_000 }, clock);
    expect(rows.type === 'actions' && rows.rows.map((r) => r.id)).toEqual(whole.actions.map((a) => a.id));
  });

  it('compares two rule versions by app and action type', () => {
    const state = newSession();
    handle(state, { type: 'population', users }, clock);
    const result = handle(state, { type: 'simulate', files: [app('github'), rule('Product')], baseFiles: [app('github'), rule('Engineering')], asOf: '2026-01-01T00:00:00Z' }, clock);
    expect(result.type === 'simulate' && result.summary.diff?.summary).toEqual([{ target: 'github', type: 'account.create', added: 1, removed: 2, changed: 0 }]);
    const removed = handle(state, { type: 'diff', filter: { kind: 'removed' }, offset: 0, limit: 10 }, clock);
    expect(removed.type === 'diff' && removed.rows.map((r) => r.userId).sort()).toEqual(['u1', 'u3']);
  });

  it('compares versions that differ beyond assignment rules (a new app): everyone is evaluated again', () => {
    const state = newSession();
    handle(state, { type: 'population', users }, clock);
    const slack = { path: 'assignments/s.yaml', text: 'kind: assignment\nid: all-slack\nwhen:\n  all:\n    - { fact: id, operator: startsWith, value: u }\nassign:\n  - { app: slack }\n' };
    const result = handle(state, { type: 'simulate', files: [app('github'), app('slack'), rule('Engineering'), slack], baseFiles: [app('github'), rule('Engineering')], asOf: '2026-01-01T00:00:00Z' }, clock);
    expect(result.type === 'simulate' && result.summary.diff?.summary).toEqual([{ target: 'slack', type: 'account.create', added: 3, removed: 0, changed: 0 }]);
    expect(result.type === 'simulate' && result.summary.timings.compareMs).toBeGreaterThanOrEqual(0);
    // The compared version explains with its own rules: no slack there.
    const before = handle(state, { type: 'explain', userId: 'u2', side: 'base' }, clock);
    expect(before.type === 'explain' && before.text).not.toContain('all-slack');
    const after = handle(state, { type: 'explain', userId: 'u2' }, clock);
    expect(after.type === 'explain' && after.text).toContain('all-slack');
  });

  it('says what is wrong in words: unknown user, unreadable date', () => {
    const state = newSession();
    handle(state, { type: 'population', users }, clock);
    expect(() => handle(state, { type: 'simulate', files: [], asOf: 'yesterday' }, clock)).toThrow('`yesterday` is not a date and time');
    handle(state, { type: 'simulate', files: [app('github'), rule('Engineering')], asOf: '2026-01-01T00:00:00Z' }, clock);
    expect(() => handle(state, { type: 'explain', userId: 'nobody' }, clock)).toThrow('user `nobody` is not in the population');
  });
});

// Both sides of a diff, a slice at a time, the new side evaluated only where a changed rule
// reaches, must plan exactly what whole simulations plan; and anything beyond assignment rules
// changing means everyone is evaluated again.
import { describe, expect, it } from 'vitest';
import { editedRules, observedFrom } from '../../bench/diff-fixtures.ts';
import { syntheticRules, syntheticUsers } from '../../bench/synthetic.ts';
import { compileRules } from '../../engine/compile.ts';
import { makeContext } from '../../engine/context.ts';
import type { SourceFile } from '../../engine/types.ts';
import { compareSides, simulateBoth, simulateSide } from './diff.ts';
import { changedAssignments } from './diff-reuse.ts';

const ctx = makeContext('2026-11-28T00:00:00Z');
const compile = (files: SourceFile[]) => compileRules(files).ruleSet;

describe('changedAssignments', () => {
  const users = syntheticUsers(1500, 11);
  const baseFiles = syntheticRules(60, 12, 3).files;
  const base = compile(baseFiles);
  const head = compile(editedRules(baseFiles).files);

  it('names only the edited rules as changed; moving a rule within its file is no change', () => {
    expect(changedAssignments(base, compile(baseFiles))).toEqual([]);
    const ids = changedAssignments(base, head)?.map((r) => r.id).sort();
    expect(ids).toEqual(['rule-17', 'rule-42', 'rule-42', 'rule-5', 'rule-5', 'rule-security-berlin']);
    const moved = baseFiles.map((f) => (f.path === 'assignments/rule-3.json' ? { ...f, text: `\n\n${f.text}` } : f));
    expect(changedAssignments(base, compile(moved))).toEqual([]);
  });

  it('evaluates everyone again when a group, app or setting changed', () => {
    const group = { path: 'groups.yaml', text: 'kind: group\nid: berlin\nwhen: { all: [ { fact: location, operator: equal, value: Berlin } ] }' };
    const withGroup = compile([...baseFiles, group]);
    expect(changedAssignments(base, withGroup)).toBeUndefined();
    const otherApp = baseFiles.map((f) => (f.path === 'apps/app-0.json' ? { ...f, text: f.text.replace('"connector":"scim"', '"connector":"rest"') } : f));
    expect(changedAssignments(base, compile(otherApp))).toBeUndefined();
    const observed = { accounts: [], memberships: [] };
    expect(simulateBoth({ base, head: withGroup, users, observed, ctx }, 100).head.plan).toEqual(simulateSide(withGroup, users, observed, ctx).plan);
  });
});

describe('simulateBoth', () => {
  const users = syntheticUsers(1500, 11);
  const baseFiles = syntheticRules(60, 12, 3).files;
  const base = compile(baseFiles);
  const head = compile(editedRules(baseFiles).files);
  const empty = { accounts: [], memberships: [] };
  const synced = observedFrom(simulateSide(base, users, empty, ctx).desired);

  it('plans both sides as whole simulations do, a slice at a time, and the diff is the same', () => {
    for (const observed of [empty, synced]) {
      const whole = { base: simulateSide(base, users, observed, ctx), head: simulateSide(head, users, observed, ctx) };
      const sliced = simulateBoth({ base, head, users, observed, ctx }, 64);
      expect(sliced.base.plan).toEqual(whole.base.plan);
      expect(sliced.head.plan).toEqual(whole.head.plan);
      expect(compareSides(sliced.base, sliced.head)).toEqual(compareSides(whole.base, whole.head));
      // Only users a plan acts on keep their desired state.
      expect(sliced.head.desired.length).toBeLessThan(users.length);
    }
  });

  it('keeps the desired states that blame a deactivation on the rule that used to grant it', () => {
    const sliced = simulateBoth({ base, head, users, observed: synced, ctx }, 100);
    const removed = compareSides(sliced.base, sliced.head).changes.filter((c) => c.type === 'account.deactivate');
    expect(removed.length).toBeGreaterThan(0);
    for (const change of removed) expect(change.rules.length).toBeGreaterThan(0);
  });
});

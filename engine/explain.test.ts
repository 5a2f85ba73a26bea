import { describe, expect, it } from 'vitest';
import { makeContext } from './context.ts';
import { conditionText, explainUser, renderExplain, shown } from './explain.ts';
import type { ExplainNode } from './explain.ts';
import { fixtureRuleSet } from './golden/fixture.ts';

const ctx = makeContext('2025-03-01T00:00:00Z');
const rules = fixtureRuleSet({
  apps: [
    { id: 'github', connector: 'scim', attributes: { login: { expr: 'user.login' } } },
    { id: 'aws', connector: 'rest', deprovision: { onUnassign: 'delete' } },
  ],
  groups: [
    { id: 'engineering', when: { fact: 'department', operator: 'equal', value: 'Engineering' } },
    { id: 'eng-leads', when: { all: [{ fact: 'groups', operator: 'contains', value: 'engineering' }, { fact: 'title', operator: 'equal', value: 'Lead' }] } },
  ],
  assignments: [
    { id: 'eng-github', priority: 100, when: { fact: 'groups', operator: 'contains', value: 'engineering' }, assign: [{ app: 'github', role: 'developer' }] },
    { id: 'admin-github', priority: 200, when: { not: { fact: 'title', operator: 'notEqual', value: 'Admin' } }, assign: [{ app: 'github', role: 'admin' }] },
  ],
});
const ada = { id: 'ada', department: 'Engineering', title: 'Engineer', login: 'ada' };
const observed = { accounts: [{ userId: 'ada', appId: 'aws', status: 'active' as const }, { userId: 'bob', appId: 'aws', status: 'active' as const }], memberships: [] };

const find = (node: ExplainNode, label: string): ExplainNode | undefined =>
  node.label.includes(label) ? node : node.children.map((child) => find(child, label)).find(Boolean);

describe('explainUser', () => {
  const tree = explainUser(rules, ada, observed, ctx);

  it('decides every rule, matched or not, with the full condition trace', () => {
    expect(find(tree, 'group `engineering`')?.result).toBe(true);
    const leads = find(tree, 'group `eng-leads`');
    expect(leads?.result).toBe(false);
    expect(leads?.children[0]?.children.map((leaf) => [leaf.label, leaf.result])).toEqual([
      ['groups contains "engineering" — saw ["engineering"]', true],
      ['title equal "Lead" — saw "Engineer"', false],
    ]);
    expect(find(tree, 'rule `admin-github`')?.result).toBe(false);
    expect(find(tree, 'rule `eng-github`')?.result).toBe(true);
  });

  it('lists what the rules give and the planned actions for this user only, each with its why', () => {
    expect(find(tree, 'the rules give')?.children.map((c) => c.label)).toEqual([
      'group `engineering` by rule `engineering`',
      'account `github` as `developer` by rule `eng-github`',
    ]);
    const actions = find(tree, 'planned actions')!.children;
    expect(actions.map((a) => [a.action?.type, a.action?.userId, a.action?.appId ?? a.action?.groupId])).toEqual([
      ['membership.add', 'ada', 'engineering'],
      ['account.delete', 'ada', 'aws'],
      ['account.create', 'ada', 'github'],
    ]);
    expect(actions[1]?.children[0]?.label).toBe('why: no rule assigns `aws` any more; app policy: delete');
  });

  it('says what a status other than ACTIVE does', () => {
    const staged = explainUser(rules, { ...ada, status: 'STAGED' }, observed, ctx);
    expect(find(staged, 'status `STAGED`')?.label).toBe('status `STAGED`: no new or reactivated accounts');
    expect(find(tree, 'status `')).toBeUndefined();
  });
});

describe('renderExplain', () => {
  it('prints an indented tree with ✓ and ✗ marks', () => {
    const text = renderExplain(explainUser(rules, ada, observed, ctx));
    const lines = text.split('\n');
    expect(lines[0]).toBe(`user \`ada\` (ACTIVE) as of 2025-03-01T00:00:00.000Z, rule set ${rules.version}`);
    expect(lines).toContain('│  └─ ✗ group `eng-leads` (groups/eng-leads.json:1)');
    expect(lines).toContain('│     └─ ✗ all of');
    expect(lines).toContain('│        ├─ ✓ groups contains "engineering" — saw ["engineering"]');
    expect(lines).toContain('│        └─ ✗ title equal "Lead" — saw "Engineer"');
    expect(text).toContain('✗ not\n');
    expect(text).toContain('✓ title notEqual "Admin" — saw "Engineer"');
    expect(text).toMatch(/└─ account\.create: create an account in `github` for `ada` as `developer` with `login` = `ada` \[[0-9a-f]{20}\]\n {6}└─ why: rule `eng-github` assigns `github` as `developer`\n$/);
  });
});

describe('conditionText', () => {
  const leaf = (operator: string, value: unknown, seen?: unknown) => ({ type: 'leaf' as const, fact: 'startDate', operator, value: value as never, seen, result: false });

  it('reads a date operator\'s days from the as-of instant, and says a days operator\'s number is days', () => {
    expect(conditionText(leaf('before', 0))).toBe('startDate before now');
    expect(conditionText(leaf('before', -90))).toBe('startDate before now − 90 days');
    expect(conditionText(leaf('after', 1))).toBe('startDate after now + 1 day');
    expect(conditionText(leaf('withinPastDays', 30))).toBe('startDate withinPastDays 30 days');
    expect(conditionText(leaf('before', '2025-01-31'))).toBe('startDate before "2025-01-31"');
    expect(conditionText(leaf('equal', 0))).toBe('startDate equal 0');
  });

  it('shows a fact the user does not have as (missing), in the tree too', () => {
    const dated = fixtureRuleSet({ apps: [{ id: 'badge', connector: 'rest' }], assignments: [{ id: 'started', when: { fact: 'terminationDate', operator: 'before', value: 0 }, assign: [{ app: 'badge' }] }] });
    expect(find(explainUser(dated, ada, { accounts: [], memberships: [] }, ctx), 'terminationDate')?.label).toBe('terminationDate before now — saw (missing)');
    expect(shown(undefined)).toBe('(missing)');
  });
});

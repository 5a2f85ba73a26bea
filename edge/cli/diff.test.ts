// The pure diff: two plans compared by action id, the rest paired by subject, each change
// blamed on a rule; and the markdown a reviewer reads.
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../engine/compile.ts';
import { makeContext } from '../../engine/context.ts';
import type { Action, DesiredUser, Plan } from '../../engine/types.ts';
import { compareSides, diffRuleSets } from './diff.ts';
import type { SimulatedSide } from './diff.ts';
import { changeLine, describeDifference, headline, renderMarkdown } from './diff-render.ts';

const reason = (rules: string[], summary = 'why'): Action['reason'] => ({ summary, rules, version: 'v', matched: [] });
const action = (id: string, fields: Partial<Action>): Action => ({ id, type: 'account.create', reason: reason([]), ...fields });
const side = (version: string, actions: Action[], desired: DesiredUser[] = []): SimulatedSide => ({
  plan: { version, asOf: '2026-01-01T00:00:00Z', actions, diagnostics: [] } satisfies Plan,
  desired,
});

describe('compareSides', () => {
  it('keeps identical actions out, pairs same-subject actions as changed, the rest as added or removed', () => {
    const base = side('old', [
      action('a', { userId: 'u1', appId: 'github', role: 'developer', reason: reason(['eng']) }),
      action('b', { userId: 'u2', appId: 'github', role: 'developer', reason: reason(['eng']) }),
      action('c', { userId: 'u3', appId: 'slack', reason: reason(['chat']) }),
    ]);
    const head = side('new', [
      action('a', { userId: 'u1', appId: 'github', role: 'developer', reason: reason(['eng']) }),
      action('b2', { userId: 'u2', appId: 'github', role: 'maintainer', reason: reason(['eng-leads', 'eng']) }),
      action('d', { type: 'membership.add', userId: 'u4', groupId: 'staff', reason: reason(['staff']) }),
    ]);
    const diff = compareSides(base, head);
    expect(diff.unchanged).toBe(1);
    expect(diff.base).toEqual({ version: 'old', actions: 3, held: false, holds: [] });
    expect(diff.head).toEqual({ version: 'new', actions: 3, held: false, holds: [] });
    expect(diff.changes.map((c) => [c.kind, c.userId, c.type, c.rules])).toEqual([
      ['changed', 'u2', 'account.create', ['eng-leads', 'eng']],
      ['removed', 'u3', 'account.create', ['chat']],
      ['added', 'u4', 'membership.add', ['staff']],
    ]);
    expect(diff.summary).toEqual([
      { target: 'github', type: 'account.create', added: 0, removed: 0, changed: 1 },
      { target: 'group:staff', type: 'membership.add', added: 1, removed: 0, changed: 0 },
      { target: 'slack', type: 'account.create', added: 0, removed: 1, changed: 0 },
    ]);
  });

  it('blames a rule-less deprovisioning on the rule that held the app on the other side', () => {
    const trace = { type: 'leaf', fact: 'x', operator: 'equal', value: 1, seen: 1, result: true } as const;
    const desired: DesiredUser = {
      userId: 'u1',
      status: 'ACTIVE',
      accounts: [{ appId: 'github', attributes: {}, createOnly: [], because: [{ ruleId: 'design-github', kind: 'assignment', priority: 0, trace }] }],
      groups: [{ groupId: 'design', because: { ruleId: 'design', kind: 'group', priority: 0, trace } }],
      diagnostics: [],
    };
    const head = side('new', [
      action('s', { type: 'account.suspend', userId: 'u1', appId: 'github' }),
      action('r', { type: 'membership.remove', userId: 'u1', groupId: 'design' }),
    ]);
    const diff = compareSides(side('old', [], [desired]), head);
    expect(diff.changes.map((c) => [c.type, c.rules])).toEqual([
      ['account.suspend', ['design-github']],
      ['membership.remove', ['design']],
    ]);
  });

  it('pairs several actions of one subject one to one, in order', () => {
    const base = side('old', [action('t1', { type: 'task.manual', userId: 'u1', appId: 'badge' }), action('t2', { type: 'task.manual', userId: 'u1', appId: 'badge' })]);
    const head = side('new', [action('t3', { type: 'task.manual', userId: 'u1', appId: 'badge' })]);
    expect(compareSides(base, head).changes.map((c) => c.kind)).toEqual(['changed', 'removed']);
  });
});

describe('rendering', () => {
  it('words the headline and each kind of change', () => {
    expect(headline([])).toBe('no change: both rule sets plan the same actions');
    expect(headline([{ target: 'github', type: 'account.create', added: 12, removed: 3, changed: 1 }])).toBe('+12 account.create github, -3 account.create github, ~1 account.create github');
    const before = action('a', { userId: 'u1', appId: 'github', role: 'developer', attributes: { login: 'a', email: 'x' } });
    const after = action('b', { userId: 'u1', appId: 'github', role: 'maintainer', attributes: { login: 'b', email: 'x' }, notBefore: '2026-03-14T07:00:00.000Z' });
    expect(describeDifference(before, after)).toBe('role `developer` → `maintainer`, not before none → `2026-03-14T07:00:00.000Z`, `login` `a` → `b`');
    expect(changeLine({ kind: 'removed', type: 'account.create', userId: 'u1', appId: 'github', rules: ['eng'], summary: 'rule `eng` assigns `github`', before })).toBe(
      '`u1` **-** account.create `github` as `developer` — rule `eng`: no longer planned (was: rule `eng` assigns `github`)',
    );
    expect(changeLine({ kind: 'added', type: 'account.deactivate', userId: 'u9', appId: 'slack', rules: [], summary: 'terminated', after: action('z', { type: 'account.deactivate', notBefore: '2026-03-14T07:00:00.000Z' }) })).toBe(
      '`u9` **+** account.deactivate `slack` not before `2026-03-14T07:00:00.000Z`: terminated',
    );
  });

  it('cuts the per-user list at the limit and says how many more there are', () => {
    const base = side('old', []);
    const head = side('new', Array.from({ length: 5 }, (_, i) => action(`a${i}`, { userId: `u${i}`, appId: 'github', reason: reason(['eng']) })));
    const diff = { ...compareSides(base, head), asOf: '2026-01-01T00:00:00Z', users: 5, diagnostics: [] };
    const text = renderMarkdown(diff, { base: { revision: 'main' }, head: { label: 'work tree' }, rulesDir: 'rules' }, [], 2);
    expect(text.match(/^- `u\d`/gm)).toHaveLength(2);
    expect(text).toContain('- … and 3 more (`--format json` lists them all)');
    expect(text).toContain('| **total** | | **5** | **0** | **0** |');
  });
});

describe('diffRuleSets', () => {
  it('simulates both compiled rule sets against the same users and time', () => {
    const app = { path: 'apps.yaml', text: 'kind: app\nid: github\nconnector: scim\nroles: [developer]' };
    const rule = (department: string): { path: string; text: string } => ({
      path: 'eng.yaml',
      text: `kind: assignment\nid: eng-github\nwhen: { all: [ { fact: department, operator: equal, value: ${department} } ] }\nassign: [ { app: github, role: developer } ]`,
    });
    const base = compileRules([app, rule('Engineering')]).ruleSet;
    const head = compileRules([app, rule('Design')]).ruleSet;
    const users = [
      { id: 'u1', department: 'Engineering' },
      { id: 'u2', department: 'Design' },
    ];
    const diff = diffRuleSets({ base, head, users, observed: { accounts: [], memberships: [] }, ctx: makeContext('2026-01-01T00:00:00Z') });
    expect(diff.users).toBe(2);
    expect(diff.changes.map((c) => `${c.kind} ${c.userId} ${c.rules.join(',')}`)).toEqual(['removed u1 eng-github', 'added u2 eng-github']);
  });
});

describe('held plans', () => {
  it('says first when the new rules plan would be held, and why', () => {
    const held: Plan = { version: 'new', asOf: 'x', actions: [], diagnostics: [], held: true, holds: [{ appId: 'slack', actionTypes: ['account.deactivate'], count: 30, population: 100, reasons: ['`slack`: 30 accounts would be deactivated, 30% of 100, above the limit of 20%'] }] };
    const diff = { ...compareSides(side('old', []), { plan: held, desired: [] }), asOf: 'x', users: 0, diagnostics: [] };
    const text = renderMarkdown(diff, { base: { revision: 'main' }, head: { label: 'work tree' }, rulesDir: 'rules' });
    expect(text).toContain('> **The plan of the new rules would be held for approval:**\n> - `slack`: 30 accounts would be deactivated, 30% of 100, above the limit of 20%');
    expect(text).not.toContain('old rules');
  });
});

import { describe, expect, it } from 'vitest';
import { makeContext } from './context.ts';
import { evaluate } from './evaluate.ts';
import { fixtureRuleSet } from './golden/fixture.ts';
import { plan, planner } from './plan.ts';
import type { ObservedAccount, ObservedState, User } from './types.ts';

const ctx = makeContext('2025-03-01T00:00:00Z');

const rules = fixtureRuleSet({
  apps: [
    { id: 'github', connector: 'scim', attributes: { login: { expr: 'user.login' }, email: { expr: 'user.email', createOnly: true } } },
    { id: 'aws', connector: 'rest', deprovision: { onUnassign: 'delete' } },
    { id: 'jira', connector: 'scim', deprovision: { onUnassign: 'suspend' } },
    { id: 'wiki', connector: 'ldap', deprovision: { onUnassign: 'keep' } },
    { id: 'vpn', connector: 'ldap', deprovision: { deleteAfterDays: 30 } },
    { id: 'badge', name: 'Door badges', connector: 'manual', owners: ['facilities@x.io'], attributes: { holder: { expr: 'user.login' } } },
  ],
  groups: [{ id: 'engineering', when: { fact: 'department', operator: 'equal', value: 'Engineering' } }],
  assignments: [
    { id: 'eng-github', priority: 100, when: { all: [{ fact: 'department', operator: 'equal', value: 'Engineering' }, { fact: 'login', operator: 'exists', value: true }] }, assign: [{ app: 'github', role: 'developer' }] },
    { id: 'admin-github', priority: 200, when: { fact: 'title', operator: 'equal', value: 'Admin' }, assign: [{ app: 'github', role: 'admin' }] },
    { id: 'badges', when: { fact: 'onSite', operator: 'equal', value: true }, assign: [{ app: 'badge' }] },
  ],
});

const eng = (id: string, extra: Partial<User> = {}): User => ({ id, department: 'Engineering', login: id, email: `${id}@x.io`, ...extra });
const account = (userId: string, appId: string, extra: Partial<ObservedAccount> = {}): ObservedAccount => ({ userId, appId, status: 'active', ...extra });
const run = (users: User[], observed: Partial<ObservedState> = {}, at = ctx) =>
  plan(rules, evaluate(rules, users, at), { accounts: observed.accounts ?? [], memberships: observed.memberships ?? [] }, at);

describe('plan: accounts the rules grant', () => {
  it('creates a missing account with its role, attributes and why', () => {
    const [create] = run([eng('ada')]).actions.filter((a) => a.appId === 'github');
    expect(create).toMatchObject({ type: 'account.create', userId: 'ada', appId: 'github', role: 'developer', attributes: { login: 'ada', email: 'ada@x.io' } });
    expect(create?.reason.summary).toBe('rule `eng-github` assigns `github` as `developer`');
    expect(create?.reason.rules).toEqual(['eng-github']);
    expect(create?.reason.version).toBe(rules.version);
    expect(create?.reason.version).toMatch(/^[0-9a-f]{64}$/);
    expect(create?.reason.matched).toEqual([
      {
        ruleId: 'eng-github',
        conditions: [
          { type: 'leaf', fact: 'department', operator: 'equal', value: 'Engineering', seen: 'Engineering', result: true },
          { type: 'leaf', fact: 'login', operator: 'exists', value: true, seen: 'ada', result: true },
        ],
      },
    ]);
  });

  it('updates only what changed, never a create-only attribute, and a role change is an update', () => {
    const observed = [account('ada', 'github', { role: 'developer', attributes: { login: 'old', email: 'other@x.io' } })];
    const updates = run([eng('ada', { title: 'Admin' })], { accounts: observed }).actions.filter((a) => a.appId === 'github');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ type: 'account.update', role: 'admin', changes: { login: { from: 'old', to: 'ada' } } });
    expect(Object.keys(updates[0]!.changes!)).toEqual(['login']);
    expect(updates[0]!.reason.summary).toBe('rule `admin-github` assigns `github` as `admin`; changed: `login`, role `developer` → `admin`');
    expect(updates[0]!.reason.rules).toEqual(['admin-github', 'eng-github']);
  });

  it('does nothing for an account already as desired', () => {
    const observed = [account('ada', 'github', { role: 'developer', attributes: { login: 'ada', email: 'changed-by-hand@x.io' } })];
    expect(run([eng('ada')], { accounts: observed }).actions.filter((a) => a.appId === 'github')).toEqual([]);
  });

  it('reactivates a suspended or deactivated account the rules grant again', () => {
    const observed = [account('ada', 'github', { status: 'deactivated', role: 'developer', attributes: { login: 'ada' } })];
    const actions = run([eng('ada')], { accounts: observed }).actions;
    expect(actions.map((a) => a.type)).toEqual(['membership.add', 'account.reactivate']);
    expect(actions[1]!.reason.summary).toBe('rule `eng-github` assigns `github` as `developer`; account is `deactivated`');
  });

  it('gives users who are not ACTIVE nothing new, but keeps what they have in sync', () => {
    for (const status of ['STAGED', 'PROVISIONED'] as const) {
      const observed = [account('ada', 'github', { role: 'developer', attributes: { login: 'old' } }), account('ada', 'aws', { status: 'suspended' })];
      const actions = run([eng('ada', { status, onSite: true })], { accounts: observed }).actions;
      expect(actions.map((a) => `${a.type} ${a.appId ?? a.groupId}`)).toEqual(['membership.add engineering', 'account.delete aws', 'account.update github']);
    }
  });
});

describe('plan: accounts out of scope', () => {
  const outOfScope = (appId: string, status: ObservedAccount['status'], extra: Partial<ObservedAccount> = {}, at = ctx) =>
    run([{ id: 'bob' }], { accounts: [account('bob', appId, { status, ...extra })] }, at).actions;

  it('applies each app policy: deactivate by default, suspend, delete, keep', () => {
    expect(outOfScope('github', 'active').map((a) => [a.type, a.reason.summary])).toEqual([
      ['account.deactivate', 'no rule assigns `github` any more; app policy: deactivate'],
    ]);
    expect(outOfScope('github', 'suspended').map((a) => a.type)).toEqual(['account.deactivate']);
    expect(outOfScope('github', 'deactivated')).toEqual([]);
    expect(outOfScope('jira', 'active').map((a) => a.type)).toEqual(['account.suspend']);
    expect(outOfScope('jira', 'suspended')).toEqual([]);
    expect(outOfScope('aws', 'active').map((a) => a.type)).toEqual(['account.delete']);
    expect(outOfScope('aws', 'deactivated').map((a) => a.type)).toEqual(['account.delete']);
    expect(outOfScope('wiki', 'active')).toEqual([]);
    expect(outOfScope('github', 'active')[0]!.reason).toEqual({ summary: 'no rule assigns `github` any more; app policy: deactivate', rules: [], version: rules.version, matched: [] });
  });

  it('deletes a deactivated account once deleteAfterDays have passed since deactivatedAt', () => {
    expect(outOfScope('vpn', 'deactivated', { deactivatedAt: '2025-02-01T00:00:00Z' })).toEqual([]);
    const due = outOfScope('vpn', 'deactivated', { deactivatedAt: '2025-01-30T00:00:00Z' });
    expect(due.map((a) => a.type)).toEqual(['account.delete']);
    expect(due[0]!.reason.summary).toContain('delete after 30 days');
    const missing = run([{ id: 'bob' }], { accounts: [account('bob', 'vpn', { status: 'deactivated' })] });
    expect(missing.actions).toEqual([]);
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['deactivated-at-missing']);
  });

  it('leaves accounts of users absent from the input and of apps the rules do not know alone', () => {
    const actions = run([{ id: 'bob' }], { accounts: [account('gone', 'github'), account('bob', 'unknown-app')] }).actions;
    expect(actions).toEqual([]);
  });
});

describe('plan: user status', () => {
  it('suspends the active accounts of a SUSPENDED user and grants nothing', () => {
    const observed = [account('ada', 'github', { role: 'developer', attributes: { login: 'x' } }), account('ada', 'wiki'), account('ada', 'aws')];
    const actions = run([eng('ada', { status: 'SUSPENDED', onSite: true })], { accounts: observed, memberships: [{ userId: 'ada', groupId: 'engineering' }] }).actions;
    expect(actions.map((a) => `${a.type} ${a.appId}`)).toEqual(['account.delete aws', 'account.suspend github', 'account.suspend wiki']);
    expect(actions.find((a) => a.appId === 'github')!.reason.summary).toBe('user status is `SUSPENDED`');
  });

  it('takes a DEPROVISIONED user out of every account per app policy and out of rule groups', () => {
    const observed = [account('ada', 'github'), account('ada', 'aws'), account('ada', 'wiki'), account('ada', 'jira')];
    const memberships = [{ userId: 'ada', groupId: 'engineering' }];
    const actions = run([eng('ada', { status: 'DEPROVISIONED' })], { accounts: observed, memberships }).actions;
    expect(actions.map((a) => `${a.type} ${a.appId ?? a.groupId}`)).toEqual(['membership.remove engineering', 'account.delete aws', 'account.deactivate github', 'account.suspend jira']);
    expect(actions.find((a) => a.appId === 'github')!.reason.summary).toBe('user status is `DEPROVISIONED`; app policy: deactivate');
  });
});

describe('plan: memberships', () => {
  it('adds rule groups, removes rule groups no longer earned, leaves other groups alone', () => {
    const memberships = [{ userId: 'bob', groupId: 'engineering' }, { userId: 'bob', groupId: 'book-club' }];
    const actions = run([eng('ada'), { id: 'bob' }], { memberships }).actions.filter((a) => a.type.startsWith('membership'));
    expect(actions.map((a) => [a.type, a.userId, a.groupId, a.reason.summary])).toEqual([
      ['membership.add', 'ada', 'engineering', 'rule `engineering` puts the user in group `engineering`'],
      ['membership.remove', 'bob', 'engineering', 'no rule puts the user in group `engineering` any more'],
    ]);
  });
});

describe('plan: manual apps', () => {
  it('turns an account change into a task for the app owners', () => {
    const [task] = run([{ id: 'cy', onSite: true, login: 'cy' }]).actions;
    expect(task).toMatchObject({
      type: 'task.manual',
      userId: 'cy',
      appId: 'badge',
      attributes: {
        task: "ask `facilities@x.io` to create an account in `Door badges` for `cy` with `holder` = `cy`",
        operation: 'account.create',
        owners: ['facilities@x.io'],
        account: { holder: 'cy' },
      },
    });
    const [off] = run([{ id: 'cy' }], { accounts: [account('cy', 'badge')] }).actions;
    expect(off).toMatchObject({ type: 'task.manual', attributes: { operation: 'account.deactivate', task: 'ask `facilities@x.io` to deactivate the `Door badges` account of `cy`' } });
  });
});

describe('plan: determinism', () => {
  const users = [eng('ada', { title: 'Admin', onSite: true }), eng('bob'), { id: 'cy', onSite: true }, eng('dee', { status: 'SUSPENDED' })];
  const observed: ObservedState = {
    accounts: [account('bob', 'aws'), account('dee', 'github'), account('bob', 'github', { role: 'developer', attributes: { login: 'b' } })],
    memberships: [{ userId: 'cy', groupId: 'engineering' }],
  };

  it('gives byte-identical JSON for the same input, whatever the input order', () => {
    const once = JSON.stringify(plan(rules, evaluate(rules, users, ctx), observed, ctx));
    const again = JSON.stringify(plan(rules, evaluate(rules, users, ctx), observed, ctx));
    const shuffled = JSON.stringify(
      plan(rules, evaluate(rules, [...users].reverse(), ctx), { accounts: [...observed.accounts].reverse(), memberships: observed.memberships }, ctx),
    );
    expect(again).toBe(once);
    expect(shuffled).toBe(once);
  });

  it('keeps action ids when only asOf changes, and changes them when the payload does', () => {
    const later = makeContext('2026-01-01T00:00:00Z');
    const ids = (at = ctx, list = users) => plan(rules, evaluate(rules, list, at), observed, at).actions.map((a) => a.id);
    expect(ids(later)).toEqual(ids());
    expect(new Set(ids()).size).toBe(ids().length);
    const otherLogin = ids(ctx, [eng('ada', { title: 'Admin', onSite: true, login: 'ADA2' }), ...users.slice(1)]);
    expect(otherLogin).not.toEqual(ids());
    for (const id of ids()) expect(id).toMatch(/^[0-9a-f]{20}$/);
  });
});

describe('planner: a population planned a slice at a time', () => {
  const users = [eng('ada'), eng('bob', { title: 'Admin' }), { id: 'cy', department: 'Sales', onSite: true }, eng('dee', { status: 'SUSPENDED' }), eng('ada')];
  const observed: ObservedState = {
    accounts: [account('bob', 'github', { role: 'developer' }), account('cy', 'aws'), account('dee', 'github'), account('dee', 'jira')],
    memberships: [{ userId: 'cy', groupId: 'engineering' }],
  };

  it('gives the plan of everyone at once, duplicates across slices included', () => {
    const desired = evaluate(rules, users, ctx);
    const whole = plan(rules, desired, observed, ctx);
    const sliced = planner(rules, observed, ctx);
    const acted = [...sliced.add(desired.slice(0, 2)), ...sliced.add(desired.slice(2, 3)), ...sliced.add(desired.slice(3))];
    expect(sliced.finish()).toEqual(whole);
    expect(whole.actions.length).toBeGreaterThan(4);
    expect(whole.diagnostics.map((d) => d.code)).toContain('duplicate-user');
    // `add` names the users it planned an action for, once each, in order.
    expect(acted).toEqual([...new Set(whole.actions.map((a) => a.userId))].sort());
  });

  it('refuses to be used after it finished', () => {
    const once = planner(rules, observed, ctx);
    once.finish();
    expect(() => once.add([])).toThrow(/after `finish`/);
    expect(() => once.finish()).toThrow(/twice/);
  });
});

describe('plan: matched conditions on request', () => {
  it('with `matched: false` plans the same actions, ids and words, without tracing conditions', () => {
    const users = [eng('ada'), eng('bob', { title: 'Admin' }), { id: 'cy', department: 'Sales', onSite: true, login: 'cy' }];
    const observed: ObservedState = { accounts: [account('cy', 'aws')], memberships: [] };
    const full = plan(rules, evaluate(rules, users, ctx), observed, ctx);
    const light = plan(rules, evaluate(rules, users, ctx), observed, ctx, { matched: false });
    expect(full.actions.some((a) => a.reason.matched.length > 0)).toBe(true);
    expect(light.actions.every((a) => a.reason.matched.length === 0)).toBe(true);
    expect(light.actions).toEqual(full.actions.map((a) => ({ ...a, reason: { ...a.reason, matched: [] } })));
  });
});

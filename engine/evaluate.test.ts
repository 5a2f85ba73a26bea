import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { makeContext } from './context.ts';
import { evaluate, evaluateUser } from './evaluate.ts';
import { fixtureRuleSet } from './golden/fixture.ts';
import type { LeafTrace } from './types.ts';

const ctx = makeContext('2025-03-01T00:00:00Z');

const rules = fixtureRuleSet({
  apps: [
    {
      id: 'github',
      connector: 'scim',
      attributes: {
        login: { expr: 'user.login.lowerAscii()' },
        email: { expr: 'user.email', createOnly: true },
      },
    },
    { id: 'slack', connector: 'scim', attributes: { displayName: { expr: 'user.first + " " + user.last' } } },
  ],
  groups: [
    { id: 'engineering', when: { fact: 'department', operator: 'equal', value: 'Engineering' } },
    { id: 'eng-leads', when: { all: [{ fact: 'groups', operator: 'contains', value: 'engineering' }, { fact: 'title', operator: 'equal', value: 'Lead' }] } },
  ],
  assignments: [
    { id: 'eng-github', priority: 100, when: { fact: 'groups', operator: 'contains', value: 'engineering' }, assign: [{ app: 'github', role: 'developer' }] },
    { id: 'lead-github', priority: 200, when: { fact: 'groups', operator: 'contains', value: 'eng-leads' }, assign: [{ app: 'github', role: 'maintainer', attributes: { email: 'user.workEmail' } }] },
    { id: 'everyone-slack', when: { fact: 'email', operator: 'exists', value: true }, assign: [{ app: 'slack' }] },
  ],
});

const ada = { id: 'ada', department: 'Engineering', title: 'Lead', login: 'ADA', email: 'ada@x.io', workEmail: 'ada@work.io', first: 'Ada', last: 'L' };

describe('evaluateUser', () => {
  it('puts users in groups in order, so a group rule can read an earlier group', () => {
    const desired = evaluateUser(rules, ada, ctx);
    expect(desired.groups.map((g) => g.groupId)).toEqual(['engineering', 'eng-leads']);
    const leadTrace = desired.groups[1]!.because.trace;
    expect(leadTrace.result).toBe(true);
    // The trace shows the groups the rule saw at the time it was decided.
    const groupsLeaf = leadTrace.type === 'all' ? (leadTrace.children[0] as LeafTrace) : undefined;
    expect(groupsLeaf?.seen).toEqual(['engineering']);
  });

  it('never mutates the user it is given', () => {
    const user = { ...ada };
    evaluateUser(rules, user, ctx);
    expect(user).toEqual(ada);
    expect('groups' in user).toBe(false);
  });

  it('gives each app one role: the highest-priority matching rule wins, the others stay in `because`', () => {
    const github = evaluateUser(rules, ada, ctx).accounts.find((a) => a.appId === 'github');
    expect(github?.role).toBe('maintainer');
    expect(github?.because.map((b) => b.ruleId)).toEqual(['lead-github', 'eng-github']);
    const dev = evaluateUser(rules, { ...ada, id: 'bob', title: 'Engineer' }, ctx).accounts.find((a) => a.appId === 'github');
    expect(dev?.role).toBe('developer');
    expect(dev?.because.map((b) => b.ruleId)).toEqual(['eng-github']);
  });

  it('maps attributes from the app, overridden by the assignment (keeping the app\'s create-only flag)', () => {
    const accounts = evaluateUser(rules, ada, ctx).accounts;
    const github = accounts.find((a) => a.appId === 'github');
    // lead-github overrides the expression of the app's create-only `email`.
    expect(github?.attributes).toEqual({ login: 'ada', email: 'ada@work.io' });
    expect(github?.createOnly).toEqual(['email']);
    const dev = evaluateUser(rules, { ...ada, id: 'bob', title: 'Engineer' }, ctx).accounts.find((a) => a.appId === 'github');
    expect(dev?.attributes).toEqual({ login: 'ada', email: 'ada@x.io' });
    expect(dev?.createOnly).toEqual(['email']);
    expect(accounts.find((a) => a.appId === 'slack')?.attributes).toEqual({ displayName: 'Ada L' });
  });

  it('leaves out an attribute whose expression fails, with a diagnostic, and keeps the rest', () => {
    const desired = evaluateUser(rules, { id: 'eve', department: 'Engineering', email: 'eve@x.io', first: 'Eve', last: 'E' }, ctx);
    const github = desired.accounts.find((a) => a.appId === 'github');
    expect(github?.attributes).toEqual({ email: 'eve@x.io' });
    expect(desired.diagnostics).toHaveLength(1);
    expect(desired.diagnostics[0]).toMatchObject({ code: 'expression-failed', ruleId: 'github' });
    expect(desired.diagnostics[0]!.message).toContain('`login`');
  });

  it('defaults status to ACTIVE and still evaluates users that are not active', () => {
    expect(evaluateUser(rules, ada, ctx).status).toBe('ACTIVE');
    const suspended = evaluateUser(rules, { ...ada, status: 'SUSPENDED' }, ctx);
    expect(suspended.status).toBe('SUSPENDED');
    expect(suspended.accounts.map((a) => a.appId)).toEqual(['github', 'slack']);
  });

  it('records the values the winning rule saw', () => {
    const slack = evaluateUser(rules, ada, ctx).accounts.find((a) => a.appId === 'slack');
    expect(slack?.because[0]?.trace).toMatchObject({ type: 'leaf', fact: 'email', seen: 'ada@x.io', result: true });
  });

  it('serialises traces with JSON, computed from the values the rule saw', () => {
    const json = JSON.parse(JSON.stringify(evaluateUser(rules, ada, ctx)));
    expect(json.groups[1].because).toMatchObject({ ruleId: 'eng-leads', kind: 'group', priority: 0, trace: { type: 'all', result: true } });
    expect(json.groups[1].because.trace.children[0].seen).toEqual(['engineering']);
    expect(json.accounts[0].because[1]).toMatchObject({ ruleId: 'eng-github', kind: 'assignment', priority: 100 });
    expect(json.accounts[0].because[1].trace.seen).toEqual(['engineering', 'eng-leads']);
  });

  it('gives nothing to a user no rule matches', () => {
    const nobody = { id: 'nobody' };
    expect(evaluateUser(rules, nobody, ctx)).toEqual({ userId: 'nobody', status: 'ACTIVE', accounts: [], groups: [], diagnostics: [], profile: nobody });
  });
});

describe('evaluate', () => {
  it('evaluates a population in order', () => {
    const out = evaluate(rules, [ada, { id: 'nobody' }], ctx);
    expect(out.map((d) => d.userId)).toEqual(['ada', 'nobody']);
    expect(out[0]).toEqual(evaluateUser(rules, ada, ctx));
  });
});

describe('groups given outside the rules', () => {
  it('are read by rules through `groups`, and are not desired memberships of their own', () => {
    const { ruleSet, diagnostics } = compileRules([
      { path: 'a.yaml', text: 'kind: app\nid: vpn\nconnector: scim\n' },
      { path: 'b.yaml', text: 'kind: assignment\nid: oncall-vpn\nwhen: { all: [ { fact: groups, operator: contains, value: oncall } ] }\nassign: [ { app: vpn } ]\n' },
    ]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const ctx = makeContext('2026-01-01T00:00:00Z');
    const user = { id: 'u1' };
    expect(evaluateUser(ruleSet, user, ctx).accounts).toEqual([]);
    const desired = evaluateUser(ruleSet, user, ctx, { assignedGroups: new Map([['u1', ['oncall']]]) });
    expect(desired.accounts.map((a) => a.appId)).toEqual(['vpn']);
    expect(desired.groups).toEqual([]);
  });
});

// The rule-test format for issue 3: observed health, overrides, held plans and refusals,
// scheduled actions (`notBefore`), password policies and password changes.
import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { runRuleTests } from './testing.ts';

const { ruleSet, diagnostics } = compileRules([
  {
    path: 'rules/rules.yaml',
    text: [
      'kind: settings',
      'lifecycle: { stageDaysBeforeStart: 3 }',
      'safety: [ { actions: [account.deactivate], max: 1 } ]',
      '---',
      'kind: app',
      'id: slack',
      'connector: scim',
      'passwordSync: true',
      '---',
      'kind: app',
      'id: jira',
      'connector: scim',
      '---',
      'kind: assignment',
      'id: everyone-slack',
      'when: { all: [ { fact: department, operator: exists, value: true } ] }',
      'assign: [ { app: slack } ]',
      '---',
      'kind: password-policy',
      'id: admins',
      'priority: 100',
      'when: { all: [ { fact: title, operator: equal, value: Admin } ] }',
      'minLength: 16',
      '---',
      'kind: password-policy',
      'id: default',
      'minLength: 10',
      '',
    ].join('\n'),
  },
]);

function run(text: string) {
  const [result] = runRuleTests(ruleSet, [{ path: 'rules/t.test.yaml', text }]).results;
  return result;
}

const leavers = [1, 2, 3].map((i) => `{ id: x${i} }`).join(', ');
const leaverAccounts = [1, 2, 3].map((i) => `{ userId: x${i}, appId: slack, status: active }`).join(', ');

describe('rule tests: lifecycle expectations', () => {
  it('compiles its fixture rules cleanly', () => {
    expect(diagnostics).toEqual([]);
  });

  it('checks that a plan is held, and names the reasons when it is not as expected', () => {
    const base = `users: [ ${leavers} ]\nobserved: { accounts: [ ${leaverAccounts} ] }\n`;
    expect(run(`name: t\n${base}expect: { held: true, holds: [ { appId: slack, count: 3 } ] }\n`)).toMatchObject({ passed: true });
    const wrong = run(`name: t\n${base}expect: { held: false }\n`);
    expect(wrong?.failures[0]).toMatch(/^expected the plan not to be held, but it is: `slack`: 3 accounts would be deactivated, above the limit of 1/);
    expect(wrong?.failures.at(-1)).toContain('plan held: ');
    const notHeld = run(`name: t\nusers: [ { id: x1 } ]\nobserved: { accounts: [ { userId: x1, appId: slack, status: active } ] }\nexpect: { held: true }\n`);
    expect(notHeld?.failures[0]).toBe('expected the plan to be held for approval, but no safety threshold was crossed');
  });

  it('states observed health: a failed read refuses removals', () => {
    const text = `name: t\nusers: [ { id: x1 } ]\nobserved: { accounts: [ { userId: x1, appId: slack, status: active } ], health: { slack: failed } }\nexpect:\n  refused: [ { type: account.deactivate, userId: x1 } ]\n  absent: [ { type: account.deactivate } ]\n`;
    expect(run(text)).toMatchObject({ passed: true });
    const missing = run(`name: t\nusers: [ { id: x1 } ]\nexpect: { refused: [ { type: account.deactivate } ] }\n`);
    expect(missing?.failures[0]).toBe('expected refused action not found: {type: account.deactivate} (refused: none)');
  });

  it('applies overrides given in the test, with expiry at asOf', () => {
    const override = (expiresAt: string) => `overrides: [ { id: o1, userId: u1, appId: jira, effect: allow, reason: pilot, expiresAt: '${expiresAt}' } ]\n`;
    const text = (expiresAt: string) => `name: t\nasOf: 2026-03-01T00:00:00Z\nusers: [ { id: u1, department: Sales } ]\n${override(expiresAt)}expect: { actions: [ { type: account.create, appId: jira } ] }\n`;
    expect(run(text('2026-04-01T00:00:00Z'))).toMatchObject({ passed: true });
    expect(run(text('2026-02-01T00:00:00Z'))?.passed).toBe(false);
  });

  it('matches notBefore on scheduled actions (staging before a start date)', () => {
    const text = (notBefore: string) =>
      `name: t\nasOf: 2026-03-07T00:00:00Z\nusers: [ { id: n1, department: Sales, startDate: '2026-03-09', timeZone: Australia/Melbourne } ]\nexpect: { actions: [ { type: account.create, appId: slack, notBefore: '${notBefore}' } ] }\n`;
    // Three local days before 9 March in Melbourne (UTC+11): 6 March 00:00 local.
    expect(run(text('2026-03-05T13:00:00.000Z'))).toMatchObject({ passed: true });
    expect(run(text('2026-03-06T00:00:00.000Z'))?.failures[0]).toContain('notBefore: expected 2026-03-06T00:00:00.000Z, got 2026-03-05T13:00:00.000Z');
  });

  it('checks the password policy per user, and plans a password change to syncing apps only', () => {
    const users = 'users: [ { id: a1, department: IT, title: Admin }, { id: u1, department: Sales } ]\n';
    expect(run(`name: t\n${users}expect: { passwordPolicy: { a1: admins, u1: default } }\n`)).toMatchObject({ passed: true });
    expect(run(`name: t\n${users}expect: { passwordPolicy: { u1: admins, nobody: default } }\n`)?.failures.slice(0, 2)).toEqual([
      'password policy of `u1`: expected `admins`, got `default`',
      '`passwordPolicy` names user `nobody`, who is not among the test\'s users',
    ]);
    const change = `name: t\n${users}observed: { accounts: [ { userId: a1, appId: slack, status: active }, { userId: a1, appId: jira, status: active } ] }\npasswordChange: { userId: a1, sealed: 'sealed:v1:abc', changedAt: '2026-01-01T00:00:00Z' }\nexpect:\n  actions: [ { type: password.set, userId: a1, appId: slack, attributes: { sealed: 'sealed:v1:abc' } } ]\n  absent: [ { type: password.set, appId: jira } ]\n`;
    expect(run(change)).toMatchObject({ passed: true });
  });

  it('rejects unknown fields in the new sections with file and line', () => {
    expect(run(`name: t\nusers: []\nobserved: { health: { slack: broken } }\nexpect: {}\n`)?.failures[0]).toMatch(/^rules\/t\.test\.yaml:3: invalid rule test at `observed\.health\.slack`/);
    expect(run(`name: t\nusers: []\noverrides: [ { id: o1, userId: u1, appId: jira, effect: maybe, reason: x } ]\nexpect: {}\n`)?.failures[0]).toMatch(/^rules\/t\.test\.yaml:3: invalid rule test at `overrides\.0\.effect`/);
  });
});

import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { pairActions } from './testing-match.ts';
import { runRuleTests } from './testing.ts';
import type { Action, SourceFile } from './types.ts';

const rules: SourceFile[] = [
  {
    path: 'rules/apps.yaml',
    text: [
      'kind: app',
      'id: github',
      'connector: scim',
      'roles: [developer, maintainer]',
      'attributes:',
      '  login: { expr: \'user.email.split("@")[0]\' }',
      '---',
      'kind: app',
      'id: slack',
      'connector: scim',
      '',
    ].join('\n'),
  },
  {
    path: 'rules/rules.yaml',
    text: [
      'kind: assignment',
      'id: eng-github',
      'when: { all: [ { fact: department, operator: equal, value: Engineering } ] }',
      'assign: [ { app: github, role: developer } ]',
      '---',
      'kind: assignment',
      'id: new-slack',
      'when: { all: [ { fact: startDate, operator: withinPastDays, value: 10 } ] }',
      'assign: [ { app: slack } ]',
      '',
    ].join('\n'),
  },
];
const { ruleSet, diagnostics } = compileRules(rules);

const engineer = '{ id: u1, department: Engineering, email: ada@acme.example }';

function run(text: string, path = 'rules/t.test.yaml') {
  return runRuleTests(ruleSet, [{ path, text }]).results;
}

describe('runRuleTests', () => {
  it('compiles its fixture rules cleanly', () => {
    expect(diagnostics).toEqual([]);
  });

  it('passes when every expected action matches a subset of an actual one', () => {
    const results = run(`name: engineers get github\nusers: [ ${engineer} ]\nexpect:\n  actions:\n    - { type: account.create, userId: u1, appId: github, role: developer, attributes: { login: ada } }\n`);
    expect(results).toEqual([{ file: 'rules/t.test.yaml', line: 1, name: 'engineers get github', passed: true, failures: [] }]);
  });

  it('reports the missing action, the closest actual one and the differing fields', () => {
    const [result] = run(`name: maintainers\nusers: [ ${engineer} ]\nexpect:\n  actions: [ { type: account.create, userId: u1, appId: github, role: maintainer } ]\n`);
    expect(result?.passed).toBe(false);
    expect(result?.failures[0]).toBe(
      [
        'expected action not found: {type: account.create, userId: u1, appId: github, role: maintainer}',
        '  closest actual: account.create user=u1 app=github role=developer attributes={login: ada} (rules: eng-github)',
        '    role: expected maintainer, got developer',
      ].join('\n'),
    );
    expect(result?.failures.at(-1)).toContain('actual actions (1):');
  });

  it('holds a file of several tests, as a list or as documents, each with its own line', () => {
    const list = run(`- name: one\n  users: [ ${engineer} ]\n  expect: { actions: [ { appId: github } ] }\n- name: two\n  users: []\n  expect: { actions: [], exhaustive: true }\n`);
    expect(list.map((r) => [r.name, r.line, r.passed])).toEqual([['one', 1, true], ['two', 4, true]]);
    const docs = run(`name: one\nusers: [ ${engineer} ]\nexpect: { actions: [ { appId: github } ] }\n---\nname: two\nusers: []\nexpect: { actions: [ { appId: github } ] }\n`);
    expect(docs.map((r) => [r.name, r.line, r.passed])).toEqual([['one', 1, true], ['two', 5, false]]);
  });

  it('fails an exhaustive test on any action it did not expect, and an absent one that happens', () => {
    const [exhaustive] = run(`name: t\nusers: [ ${engineer} ]\nexpect: { actions: [], exhaustive: true }\n`);
    expect(exhaustive?.failures[0]).toBe('unexpected action (expect is exhaustive): account.create user=u1 app=github role=developer attributes={login: ada} (rules: eng-github)');
    const [absent] = run(`name: t\nusers: [ ${engineer} ]\nexpect: { absent: [ { appId: github } ] }\n`);
    expect(absent?.failures[0]).toMatch(/^unexpected action \(listed under `absent`\): account\.create user=u1 app=github/);
  });

  it('needs a distinct actual action for each expected one; null means absent', () => {
    const [twice] = run(`name: t\nusers: [ ${engineer} ]\nexpect: { actions: [ { appId: github }, { appId: github } ] }\n`);
    expect(twice?.passed).toBe(false);
    const [noRole] = run(`name: t\nusers: [ ${engineer} ]\nexpect: { actions: [ { appId: github, role: null } ] }\n`);
    expect(noRole?.failures[0]).toContain('role: expected absent, got developer');
  });

  it('runs as of a fixed instant unless the test says otherwise, so date rules give the same answer every day', () => {
    const text = (asOf: string) => `name: t\n${asOf}users: [ { id: u2, startDate: '2025-12-28' } ]\nexpect: { actions: [ { appId: slack } ] }\n`;
    expect(run(text(''))[0]?.passed).toBe(true);
    expect(run(text('asOf: 2026-02-01T00:00:00Z\n'))[0]?.passed).toBe(false);
  });

  it('plans against the observed state', () => {
    const text = `name: t\nusers: [ { id: u3, department: Sales } ]\nobserved: { accounts: [ { userId: u3, appId: github, status: active, role: developer } ] }\nexpect: { actions: [ { type: account.deactivate, userId: u3, appId: github } ], exhaustive: true }\n`;
    expect(run(text)[0]).toMatchObject({ passed: true });
  });

  it('turns a broken test file into a failing result naming file and line, not an exception', () => {
    expect(run('name: t\nusers: [ { id: u1 }\nexpect: {}\n')[0]?.failures[0]).toMatch(/^rules\/t\.test\.yaml:\d+: malformed yaml: /);
    expect(run(`name: t\nusers:\n  - { department: Sales }\nexpect: { actions: [] }\n`)[0]).toMatchObject({
      name: 't',
      passed: false,
      failures: [expect.stringMatching(/^rules\/t\.test\.yaml:3: invalid rule test at `users\.0\.id`: /)],
    });
    expect(run(`name: t\nusers: []\nexpect: { actions: [], exhaustiv: true }\n`)[0]?.failures[0]).toMatch(/^rules\/t\.test\.yaml:3: invalid rule test at `expect`: unrecognized key/);
    expect(run(`name: t\nusers: []\nexpect: { actions: [ { type: account.make } ] }\n`)[0]?.failures[0]).toMatch(/^rules\/t\.test\.yaml:3: invalid rule test at `expect\.actions\.0\.type`/);
    // `asOf` is a datetime or a date: the union's refusal names both, not zod's bare "invalid input".
    expect(run(`name: t\nasOf: yesterday\nusers: []\nexpect: {}\n`)[0]?.failures[0]).toBe('rules/t.test.yaml:2: invalid rule test at `asOf`: expected datetime or date, got `yesterday`');
    expect(run('')[0]?.failures[0]).toBe('rules/t.test.yaml:1: test file holds no tests');
    expect(run('- just a string\n')[0]?.failures[0]).toBe('rules/t.test.yaml:1: a rule test must be a mapping with `name`, `users` and `expect`');
  });
});

describe('pairActions', () => {
  const action = (appId: string, role?: string): Action => ({ id: appId + (role ?? ''), type: 'account.create', userId: 'u', appId, role, reason: { summary: '', rules: [], version: 'v', matched: [] } });

  it('does not let a general expectation take the only match of a specific one', () => {
    const actual = [action('github', 'developer'), action('github', 'maintainer')];
    expect(pairActions([{ appId: 'github' }, { appId: 'github', role: 'developer' }], actual)).toEqual([1, 0]);
  });
});

// One small rule set per diagnostic code: the code, file, line and rule id a user sees, and
// that the healthy rules beside the broken one still compile.
import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { DIAGNOSTICS } from './diagnostics.ts';
import type { Diagnostic, SourceFile } from './types.ts';

const yaml = (path: string, ...lines: string[]): SourceFile => ({ path, text: `${lines.join('\n')}\n` });

/** Always present: an app with roles, and an assignment that must survive its neighbours' errors. */
const base: SourceFile[] = [
  yaml('rules/apps/github.yaml', 'kind: app', 'id: github', 'connector: scim', 'roles: [developer, admin]'),
  yaml('rules/ok.yaml', 'kind: assignment', 'id: everyone-github', 'priority: -1', 'when: { all: [ { fact: status, operator: equal, value: ACTIVE } ] }', 'assign: [ { app: github } ]'),
];

interface Case {
  name: string;
  files: SourceFile[];
  expected: Partial<Diagnostic> & { code: string };
  /** Substring of the message. */
  says?: string;
}

const cases: Case[] = [
  { name: 'malformed YAML', files: [yaml('rules/bad.yaml', 'kind: app', 'id: slack', 'roles: [a, b', 'connector: scim')], expected: { code: 'yaml.syntax', file: 'rules/bad.yaml', line: 4 } },
  { name: 'malformed JSON', files: [{ path: 'rules/bad.json', text: '{\n  "kind": "app",\n  "id": "slack",\n}\n' }], expected: { code: 'json.syntax', file: 'rules/bad.json', line: 4 } },
  { name: 'a document that is not a mapping', files: [yaml('rules/list.yaml', 'kind: app', '---', 'just a string')], expected: { code: 'rule.not-an-object', file: 'rules/list.yaml', line: 3 } },
  { name: 'no kind', files: [yaml('rules/x.yaml', 'id: slack', 'connector: scim')], expected: { code: 'rule.missing-kind', file: 'rules/x.yaml', line: 1, ruleId: 'slack' } },
  { name: 'an unknown kind', files: [yaml('rules/x.yaml', '# a policy', 'kind: policy', 'id: p1')], expected: { code: 'rule.unknown-kind', line: 2, ruleId: 'p1' }, says: '`policy`' },
  {
    name: 'an unknown key',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'when: { fact: department, operator: equal, value: Engineering }', 'assign:', '  - app: github', '    rol: developer')],
    expected: { code: 'rule.unknown-key', file: 'rules/eng.yaml', line: 6, ruleId: 'eng-github', path: ['assign', 0, 'rol'] },
    says: '`rol`',
  },
  {
    name: 'an unknown key inside a condition',
    files: [yaml('rules/eng.yaml', 'kind: group', 'id: eng', 'when:', '  all:', '    - fact: department', '      operator: equal', '      valeu: Engineering')],
    expected: { code: 'condition.unknown-key', line: 7, ruleId: 'eng', path: ['when', 'all', 0, 'valeu'] },
  },
  { name: 'a missing field', files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'assign: [ { app: github } ]')], expected: { code: 'rule.missing-field', line: 1, ruleId: 'eng-github', path: ['when'] } },
  { name: 'a manual app without owners', files: [yaml('rules/apps/badge.yaml', 'kind: app', 'id: badge', 'connector: manual')], expected: { code: 'rule.missing-field', ruleId: 'badge', path: ['owners'] } },
  {
    name: 'a value of the wrong type',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'priority: high', 'when: { fact: department, operator: equal, value: Engineering }', 'assign: [ { app: github } ]')],
    expected: { code: 'rule.invalid-type', line: 3, ruleId: 'eng-github', path: ['priority'] },
    says: 'must be a number',
  },
  { name: 'a value outside its set', files: [yaml('rules/apps/slack.yaml', 'kind: app', 'id: slack', 'connector: ftp')], expected: { code: 'rule.invalid-value', line: 3, ruleId: 'slack', path: ['connector'] }, says: 'one of `scim`' },
  // Union-typed fields: the refusal names the field and what it must be, never zod's bare "invalid input".
  { name: 'a mapping neither an expression nor `{expr}`', files: [yaml('rules/apps/slack.yaml', 'kind: app', 'id: slack', 'connector: scim', 'attributes: { login: 5 }')], expected: { code: 'rule.invalid-type', line: 4, ruleId: 'slack', path: ['attributes', 'login'] }, says: '`attributes.login` must be a string or a mapping, got number `5`' },
  { name: 'a `{expr}` mapping with a bad field', files: [yaml('rules/apps/slack.yaml', 'kind: app', 'id: slack', 'connector: scim', 'attributes: { login: { expr: 5 } }')], expected: { code: 'rule.invalid-type', line: 4, ruleId: 'slack', path: ['attributes', 'login', 'expr'] }, says: '`attributes.login.expr` must be a string, got number `5`' },
  {
    name: 'a password policy naming an unknown user part',
    files: [yaml('rules/pw.yaml', 'kind: password-policy', 'id: pw', 'when: { fact: department, operator: equal, value: Sales }', 'excludeUsernameParts: [login, nickname]')],
    expected: { code: 'rule.invalid-value', line: 4, ruleId: 'pw', path: ['excludeUsernameParts', 1] },
    says: 'one of `login`, `email`, `firstName`, `lastName`, got `nickname`',
  },
  {
    name: 'a JIT audience neither a string nor a list',
    files: [yaml('rules/settings.yaml', 'kind: settings', 'jit:', '  issuers:', '    - { issuer: "https://login.example", jwksUri: "https://login.example/jwks", audience: 42 }')],
    expected: { code: 'rule.invalid-type', line: 4, path: ['jit', 'issuers', 0, 'audience'] },
    says: 'must be a string or a list, got number `42`',
  },
  {
    name: 'a document nested thousands deep (zod would overflow the stack)',
    files: [{ path: 'rules/deep.json', text: `{"kind":"group","id":"deep","when":${'{"not":'.repeat(5000)}{"fact":"a","operator":"equal","value":1}${'}'.repeat(5000)}}` }],
    expected: { code: 'rule.invalid-value', file: 'rules/deep.json', line: 1, ruleId: 'deep' },
    says: 'nests more than 64 levels deep',
  },
  { name: 'an id that is not a slug', files: [yaml('rules/apps/slack.yaml', 'kind: app', 'id: Slack_Workspace', 'connector: scim')], expected: { code: 'rule.invalid-id', line: 2, ruleId: 'Slack_Workspace' }, says: '`Slack_Workspace`' },
  {
    name: 'an unknown operator',
    files: [yaml('rules/eng.yaml', 'kind: group', 'id: eng', 'when:', '  all:', '    - { fact: department, operator: equals, value: Engineering }')],
    expected: { code: 'condition.unknown-operator', line: 5, ruleId: 'eng', path: ['when', 'all', 0, 'operator'] },
  },
  {
    name: 'a condition value of the wrong type',
    files: [yaml('rules/eng.yaml', 'kind: group', 'id: eng', 'when:', '  all:', '    - fact: title', '      operator: startsWith', '      value: 42')],
    expected: { code: 'condition.value-type', line: 7, ruleId: 'eng', path: ['when', 'all', 0, 'value'] },
  },
  {
    name: 'a regex that does not compile',
    files: [yaml('rules/eng.yaml', 'kind: group', 'id: eng', 'when:', '  any:', '    - { fact: title, operator: equal, value: CTO }', '    - { fact: title, operator: matches, value: "^(Staff" }')],
    expected: { code: 'condition.bad-regex', line: 6, ruleId: 'eng', path: ['when', 'any', 1, 'value'] },
  },
  {
    name: 'a duplicate id within a kind',
    files: [yaml('rules/a.yaml', 'kind: group', 'id: eng', 'when: { fact: department, operator: equal, value: Engineering }'), yaml('rules/b.yaml', 'kind: group', 'id: eng', 'when: { fact: department, operator: equal, value: R&D }')],
    expected: { code: 'rule.duplicate-id', file: 'rules/b.yaml', line: 2, ruleId: 'eng' },
    says: 'rules/a.yaml:1',
  },
  { name: 'a duplicate app id', files: [yaml('rules/more-apps.yaml', 'kind: app', 'id: github', 'connector: rest')], expected: { code: 'rule.duplicate-id', file: 'rules/more-apps.yaml', line: 2, ruleId: 'github' }, says: 'rules/apps/github.yaml:1' },
  { name: 'two settings documents', files: [yaml('rules/settings.yaml', 'kind: settings', '---', 'kind: settings', 'id: more')], expected: { code: 'rule.duplicate-kind', line: 3, ruleId: 'more' } },
  {
    name: 'an unknown app',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'when: { fact: department, operator: equal, value: Engineering }', 'assign:', '  - app: githb')],
    expected: { code: 'rule.unknown-app', line: 5, ruleId: 'eng-github', path: ['assign', 0, 'app'] },
    says: 'did you mean `github`',
  },
  {
    name: 'a role the app does not list',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'when: { fact: department, operator: equal, value: Engineering }', 'assign:', '  - app: github', '    role: owner')],
    expected: { code: 'rule.unknown-role', line: 6, ruleId: 'eng-github', path: ['assign', 0, 'role'] },
    says: '`developer`, `admin`',
  },
  {
    name: 'a rule naming an app that has errors',
    files: [
      yaml('rules/apps/slack.yaml', 'kind: app', 'id: slack', 'connector: scim', 'attributes: { handle: "user.login +" }'),
      yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-slack', 'when: { fact: department, operator: equal, value: Engineering }', 'assign: [ { app: slack } ]'),
    ],
    expected: { code: 'rule.broken-dependency', severity: 'warning', file: 'rules/eng.yaml', line: 4, ruleId: 'eng-slack' },
  },
  {
    name: 'a read of a group nobody defines',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'when:', '  all:', '    - { fact: groups, operator: contains, value: enginering }', 'assign: [ { app: github } ]')],
    expected: { code: 'rule.unknown-group', severity: 'warning', line: 5, ruleId: 'eng-github', path: ['when', 'all', 0, 'value'] },
  },
  {
    name: 'two rules giving one app different roles at the same priority',
    files: [
      yaml('rules/a.yaml', 'kind: assignment', 'id: eng-github', 'priority: 10', 'when: { all: [ { fact: department, operator: equal, value: Engineering } ] }', 'assign: [ { app: github, role: developer } ]'),
      yaml('rules/b.yaml', 'kind: assignment', 'id: leads-github', 'priority: 10', 'when: { all: [ { fact: title, operator: equal, value: Lead } ] }', 'assign: [ { app: github, role: admin } ]'),
    ],
    expected: { code: 'rule.role-conflict', file: 'rules/b.yaml', line: 5, ruleId: 'leads-github', path: ['assign', 0, 'role'] },
    says: '`eng-github` (rules/a.yaml:1)',
  },
  {
    name: 'a cycle between group rules',
    files: [
      yaml('rules/groups.yaml', 'kind: group', 'id: a', 'when: { all: [ { fact: groups, operator: contains, value: b } ] }', '---', 'kind: group', 'id: b', 'when:', '  any:', '    - { fact: groups, operator: contains, value: c }', '---', 'kind: group', 'id: c', 'when: { not: { fact: groups, operator: doesNotContain, value: a } }'),
    ],
    expected: { code: 'rule.group-cycle', file: 'rules/groups.yaml', line: 3, ruleId: 'a' },
    says: '`a -> b -> c -> a`',
  },
  {
    name: 'a password policy for a group nobody defines or imports',
    files: [yaml('rules/passwords.yaml', 'kind: password-policy', 'id: admins', 'minLength: 16', 'groups: [admins]')],
    expected: { code: 'rule.undefined-group', file: 'rules/passwords.yaml', line: 4, ruleId: 'admins', path: ['groups', 0] },
    says: '`admins`',
  },
  {
    name: 'a group rule for a group an app imports',
    files: [
      yaml('rules/apps/okta.yaml', 'kind: app', 'id: okta', 'connector: scim', 'importGroups: [ { appGroup: Admins, group: admins } ]'),
      yaml('rules/groups.yaml', 'kind: group', 'id: admins', 'when: { fact: title, operator: equal, value: Admin }'),
    ],
    expected: { code: 'rule.imported-group-conflict', file: 'rules/groups.yaml', line: 2, ruleId: 'admins' },
    says: 'app `okta`',
  },
  {
    name: 'two apps importing one group',
    files: [
      yaml('rules/apps/okta.yaml', 'kind: app', 'id: okta', 'connector: scim', 'importGroups: [ { appGroup: Admins, group: admins } ]'),
      yaml('rules/apps/ad.yaml', 'kind: app', 'id: ad', 'connector: ldap', 'importGroups:', '  - { appGroup: Domain Admins, group: admins }'),
    ],
    expected: { code: 'rule.duplicate-import', file: 'rules/apps/okta.yaml', line: 4, ruleId: 'okta' },
    says: 'app `ad`',
  },
  { name: 'an expression that does not parse', files: [yaml('rules/apps/slack.yaml', 'kind: app', 'id: slack', 'connector: scim', 'attributes:', '  email: user.email.lowerAscii(')], expected: { code: 'expr.syntax', line: 5, ruleId: 'slack', path: ['attributes', 'email'] } },
  {
    name: 'an expression over an unknown variable',
    files: [yaml('rules/eng.yaml', 'kind: assignment', 'id: eng-github', 'when: { fact: department, operator: equal, value: Engineering }', 'assign:', '  - app: github', '    attributes:', '      login: person.login')],
    expected: { code: 'expr.type', line: 7, ruleId: 'eng-github', path: ['assign', 0, 'attributes', 'login'] },
    says: '`person.login`',
  },
];

describe('compileRules diagnostics', () => {
  it.each(cases)('$name → $expected.code', ({ files, expected, says }) => {
    const { ruleSet, diagnostics } = compileRules([...base, ...files]);
    const found = diagnostics.find((d) => d.code === expected.code);
    expect(found, JSON.stringify(diagnostics, null, 1)).toMatchObject({ severity: 'error', ...expected });
    expect(found?.file).toBeDefined();
    expect(found?.line).toBeGreaterThan(0);
    if (says) expect(found?.message).toContain(says);
    expect(found?.message).toMatch(/^[^A-Z].*[^.]$/);
    // The healthy rule beside the broken one still compiles.
    expect(ruleSet.assignments.map((a) => a.id)).toContain('everyone-github');
    expect(ruleSet.apps.github).toBeDefined();
  });

  it('has a case for every code in the catalogue (except the internal compile-failed)', () => {
    const covered = new Set(cases.map((c) => c.expected.code));
    const missing = Object.keys(DIAGNOSTICS).filter((code) => !covered.has(code) && code !== 'rule.compile-failed');
    expect(missing).toEqual([]);
  });

  it('reports every problem at once, ordered by file and line', () => {
    const { diagnostics } = compileRules([
      yaml('rules/z.yaml', 'kind: app', 'id: Bad_Id', 'connector: ftp', 'colour: red'),
      yaml('rules/a.yaml', 'kind: assignment', 'id: eng-github', 'when:', '  all:', '    - { fact: department, operator: equalz, value: Engineering }', 'assign: [ { app: githb } ]'),
    ]);
    expect(diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual([
      'rules/a.yaml:5 condition.unknown-operator',
      'rules/a.yaml:6 rule.unknown-app',
      'rules/z.yaml:2 rule.invalid-id',
      'rules/z.yaml:3 rule.invalid-value',
      'rules/z.yaml:4 rule.unknown-key',
    ]);
  });

  it('does not report a role conflict between rules whose conditions are provably disjoint', () => {
    const { diagnostics } = compileRules([
      ...base,
      yaml('rules/a.yaml', 'kind: assignment', 'id: eng-github', 'when: { all: [ { fact: department, operator: equal, value: Engineering }, { fact: level, operator: greaterThan, value: 2 } ] }', 'assign: [ { app: github, role: developer } ]'),
      yaml('rules/b.yaml', 'kind: assignment', 'id: it-github', 'when: { fact: department, operator: equal, value: IT }', 'assign: [ { app: github, role: admin } ]'),
      yaml('rules/c.yaml', 'kind: assignment', 'id: senior-github', 'priority: 5', 'when: { fact: department, operator: equal, value: Engineering }', 'assign: [ { app: github, role: admin } ]'),
    ]);
    expect(diagnostics.filter((d) => d.code === 'rule.role-conflict')).toEqual([]);
  });

  it('reports one rule giving one app two roles', () => {
    const { diagnostics } = compileRules([
      ...base,
      yaml('rules/a.yaml', 'kind: assignment', 'id: eng-github', 'when: { fact: department, operator: equal, value: Engineering }', 'assign:', '  - { app: github, role: developer }', '  - { app: github, role: admin }'),
    ]);
    expect(diagnostics).toMatchObject([{ code: 'rule.role-conflict', file: 'rules/a.yaml', line: 6, ruleId: 'eng-github', message: 'assignment `eng-github` gives app `github` two roles, `developer` and `admin`' }]);
  });

  it('checks condition values against the declared attribute types in settings', () => {
    const { diagnostics } = compileRules([
      ...base,
      yaml('rules/settings.yaml', 'kind: settings', 'attributes: { level: number, department: string }'),
      yaml('rules/eng.yaml', 'kind: group', 'id: senior', 'when: { fact: level, operator: greaterThan, value: "3" }'),
    ]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toMatchObject([{ file: 'rules/eng.yaml', line: 3, ruleId: 'senior' }]);
  });
});

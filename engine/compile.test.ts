// Golden: a small valid rule set compiles to the expected ordering, mappings and policies,
// and its version changes with meaning only.
import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { makeContext } from './context.ts';
import type { SourceFile, User } from './types.ts';

const ctx = makeContext('2026-01-15T09:00:00Z');

const apps = `
kind: settings
attributes: { department: string, title: string, level: number, login: string, email: string }
deprovision: { onUnassign: suspend }
---
kind: app
id: github
name: GitHub
connector: scim
roles: [developer, admin]
attributes:
  login: user.login.lowerAscii()
  email: { expr: 'user.firstName + "." + user.lastName + "@example.com"', createOnly: true }
deprovision: { onUnassign: delete, deleteAfterDays: 30 }
---
kind: app
id: badge
connector: manual
owners: [facilities@example.com]
`;

const assignments = `
kind: assignment
id: eng-github
priority: 100            # optional
when: { all: [ { fact: department, operator: equal, value: Engineering } ] }
assign: [ { app: github, role: developer } ]   # role optional
---
kind: assignment
id: leads-github
priority: 200
when: { all: [ { fact: groups, operator: contains, value: eng-leads } ] }
assign:
  - app: github
    role: admin
    attributes: { login: '"lead-" + user.login.lowerAscii()' }
---
kind: assignment
id: everyone-badge
when: { fact: status, operator: equal, value: ACTIVE }
assign: [ { app: badge } ]
---
kind: assignment
id: all-badge
when: { fact: status, operator: notEqual, value: DEPROVISIONED }
assign: [ { app: badge } ]
`;

const groups = `
kind: group
id: eng-leads
when:
  all:
    - { fact: groups, operator: contains, value: eng }
    - { fact: title, operator: equal, value: Lead }
---
kind: group
id: eng
when: { fact: department, operator: equal, value: Engineering }
---
kind: group
id: all-staff
when: { fact: status, operator: equal, value: ACTIVE }
`;

const files: SourceFile[] = [
  { path: 'rules/apps.yaml', text: apps },
  { path: 'rules/assignments.yaml', text: assignments },
  { path: 'rules/groups.yaml', text: groups },
];

describe('compileRules (golden)', () => {
  const { ruleSet, diagnostics } = compileRules(files);

  it('compiles without diagnostics', () => {
    expect(diagnostics).toEqual([]);
  });

  it('orders assignments by priority (highest first), then id', () => {
    expect(ruleSet.assignments.map((a) => [a.id, a.priority])).toEqual([
      ['leads-github', 200],
      ['eng-github', 100],
      ['all-badge', 0],
      ['everyone-badge', 0],
    ]);
  });

  it('orders groups so a group comes after the groups it reads, then by id', () => {
    expect(ruleSet.groups.map((g) => [g.id, g.dependsOn])).toEqual([
      ['all-staff', []],
      ['eng', []],
      ['eng-leads', ['eng']],
    ]);
  });

  it('keeps where each rule came from', () => {
    const eng = ruleSet.assignments.find((a) => a.id === 'eng-github');
    expect(eng).toMatchObject({ file: 'rules/assignments.yaml', line: 2 });
    expect(ruleSet.groups.find((g) => g.id === 'eng')).toMatchObject({ file: 'rules/groups.yaml', line: 9 });
    expect(ruleSet.apps.github).toMatchObject({ file: 'rules/apps.yaml', line: 6 });
  });

  it('takes the deprovisioning policy from the app, else from settings', () => {
    expect(ruleSet.apps.github).toMatchObject({ onUnassign: 'delete', deleteAfterDays: 30 });
    expect(ruleSet.apps.badge?.onUnassign).toBe('suspend');
  });

  it('compiles app mappings, and per-assignment overrides keep the app mapping create-only flag', () => {
    const ada: User = { id: 'u1', login: 'ALovelace', firstName: 'Ada', lastName: 'Lovelace', department: 'Engineering' };
    const github = ruleSet.apps.github!;
    const evaluate = (mappings: typeof github.mappings) => mappings.map((m) => [m.name, m.createOnly, m.evaluate(ada, github.source, ctx)]);
    expect(evaluate(github.mappings)).toEqual([
      ['login', false, { ok: true, value: 'alovelace' }],
      ['email', true, { ok: true, value: 'Ada.Lovelace@example.com' }],
    ]);
    const leads = ruleSet.assignments.find((a) => a.id === 'leads-github')!;
    expect(leads.targets).toHaveLength(1);
    expect(evaluate(leads.targets[0]!.mappings)).toEqual([
      ['login', false, { ok: true, value: 'lead-alovelace' }],
      ['email', true, { ok: true, value: 'Ada.Lovelace@example.com' }],
    ]);
    expect(ruleSet.assignments.find((a) => a.id === 'eng-github')?.targets).toMatchObject([{ app: 'github', role: 'developer' }]);
  });

  it('compiles conditions the evaluator can run', () => {
    const eng = ruleSet.assignments.find((a) => a.id === 'eng-github')!;
    expect(eng.condition.test({ id: 'u1', department: 'Engineering' }, ctx)).toBe(true);
    expect(eng.condition.test({ id: 'u2', department: 'Sales' }, ctx)).toBe(false);
    expect(ruleSet.settings).toMatchObject({ kind: 'settings', deprovision: { onUnassign: 'suspend' } });
  });
});

describe('rule-set version', () => {
  const version = (input: SourceFile[]) => compileRules(input).ruleSet.version;
  const base = version(files);

  it('is a sha256 hex digest', () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when files are reordered, split, or reformatted', () => {
    expect(version([...files].reverse())).toBe(base);
    const reformatted = files.map((f) => ({ ...f, text: f.text.replace('priority: 100            # optional', '# the engineering rule\npriority: 100') }));
    expect(version(reformatted)).toBe(base);
    // The same documents as JSON, one file per document, mappings in long form.
    const asJson: SourceFile[] = compileRules(files).ruleSet.assignments.map((a) => ({ path: `rules/${a.id}.json`, text: JSON.stringify(a.source, null, 4) }));
    const rest = files.filter((f) => f.path !== 'rules/assignments.yaml');
    expect(version([...rest, ...asJson])).toBe(base);
    const longForm = files.map((f) => ({ ...f, text: f.text.replace('login: user.login.lowerAscii()', 'login: { expr: user.login.lowerAscii(), createOnly: false }') }));
    expect(version(longForm)).toBe(base);
  });

  it('treats an absent priority as 0', () => {
    expect(version(files.map((f) => ({ ...f, text: f.text.replace('id: everyone-badge\n', 'id: everyone-badge\npriority: 0\n') })))).toBe(base);
  });

  it('changes with any semantic change', () => {
    const changed = (from: string, to: string) => version(files.map((f) => ({ ...f, text: f.text.replace(from, to) })));
    expect(changed('value: Engineering }', 'value: engineering }')).not.toBe(base);
    expect(changed('priority: 200', 'priority: 201')).not.toBe(base);
    expect(changed('role: developer', 'role: admin')).not.toBe(base);
    expect(changed('deleteAfterDays: 30', 'deleteAfterDays: 31')).not.toBe(base);
    expect(changed('user.login.lowerAscii()', 'user.login.upperAscii()')).not.toBe(base);
  });
});

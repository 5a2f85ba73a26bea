import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileRules } from '../compile.ts';
import { ruleKind, ruleKinds } from './registry.ts';

const yaml = (...lines: string[]) => [{ path: 'rules/r.yaml', text: lines.join('\n') }];

describe('rule kind registry', () => {
  it('knows app, assignment, group, settings, password-policy and override', () => {
    expect(ruleKinds().map((k) => k.kind)).toEqual(['app', 'assignment', 'group', 'settings', 'password-policy', 'override']);
    expect(ruleKind('password')).toBeUndefined();
  });

  it('accepts the issue\'s assignment exactly as written, priority and role optional', () => {
    const schema = ruleKind('assignment')!.schema;
    const sample = parse(`
kind: assignment
id: eng-github
priority: 100            # optional
when: { all: [ { fact: department, operator: equal, value: Engineering } ] }
assign: [ { app: github, role: developer } ]   # role optional
`);
    expect(schema.safeParse(sample).success).toBe(true);
    const { priority: _p, ...withoutPriority } = sample as Record<string, unknown>;
    expect(schema.safeParse({ ...withoutPriority, assign: [{ app: 'github' }] }).success).toBe(true);
  });

  it('normalises: priority defaults to 0, mapping shorthand becomes {expr, createOnly: false}', () => {
    const { ruleSet } = compileRules(
      yaml(
        'kind: app',
        'id: github',
        'connector: scim',
        'attributes:',
        '  login: user.login',
        '  email: { expr: user.email, createOnly: true }',
        '---',
        'kind: group',
        'id: eng',
        'when: { fact: department, operator: equal, value: Engineering }',
      ),
    );
    expect(ruleSet.apps.github?.source.attributes).toEqual({ login: { expr: 'user.login', createOnly: false }, email: { expr: 'user.email', createOnly: true } });
    expect(ruleSet.groups[0]?.source.priority).toBe(0);
    expect(ruleSet.groups[0]?.priority).toBe(0);
  });

  it('accepts connector settings under `config` and rejects unknown keys elsewhere', () => {
    const { ruleSet, diagnostics } = compileRules(
      yaml('kind: app', 'id: github', 'connector: scim', 'config:', '  baseUrl: https://api.example.com/scim/v2', '  rateLimit: { perSecond: 5 }', 'deprovision:', '  onUnasign: suspend'),
    );
    expect(ruleSet.apps.github).toBeUndefined();
    expect(diagnostics).toMatchObject([{ code: 'rule.unknown-key', line: 8, path: ['deprovision', 'onUnasign'] }]);
  });

  it('says what a mapping should look like when it has a typo', () => {
    const { diagnostics } = compileRules(yaml('kind: app', 'id: github', 'connector: scim', 'attributes:', '  login: { expr: user.login, creatOnly: true }', '  email: 42'));
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['rule.unknown-key', 5, 'unknown key `creatOnly` in `attributes.login`'],
      ['rule.invalid-type', 6, '`attributes.email` must be a string or a mapping, got number `42`'],
    ]);
  });

  it('validates settings attribute types and owners e-mail addresses', () => {
    const { diagnostics } = compileRules(
      yaml('kind: settings', 'attributes: { department: string, startDate: datetime }', '---', 'kind: app', 'id: badge', 'connector: manual', 'owners: [facilities]'),
    );
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['rule.invalid-value', 2],
      ['rule.invalid-value', 7],
    ]);
  });
});

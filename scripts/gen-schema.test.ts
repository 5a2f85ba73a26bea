import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSchema, SCHEMA_PATH } from './gen-schema.ts';

const committed = readFileSync(SCHEMA_PATH, 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(JSON.parse(committed) as object);

describe('rules/schema.json', () => {
  it('is what scripts/gen-schema.ts generates (run `npm run schema` after changing a rule schema)', () => {
    expect(committed).toBe(renderSchema());
  });

  it('accepts the assignment from the issue exactly as written', () => {
    const sample = parse(`
kind: assignment
id: eng-github
priority: 100            # optional
when: { all: [ { fact: department, operator: equal, value: Engineering } ] }
assign: [ { app: github, role: developer } ]   # role optional
`);
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts an app with shorthand and full mappings, a group and settings, with a $schema hint', () => {
    const documents = [
      {
        $schema: './schema.json',
        kind: 'app',
        id: 'github',
        connector: 'scim',
        roles: ['developer'],
        attributes: { login: 'user.login.lowerAscii()', email: { expr: 'user.email', createOnly: true } },
        deprovision: { onUnassign: 'suspend', deleteAfterDays: 30 },
        config: { baseUrl: 'https://example.com/scim/v2' },
      },
      { kind: 'group', id: 'eng', when: { any: [{ fact: 'groups', operator: 'contains', value: 'x' }, { not: { fact: 'title', operator: 'equal', value: null } }] } },
      { kind: 'settings', attributes: { department: 'string', startDate: 'date' }, deprovision: { onUnassign: 'deactivate' } },
    ];
    for (const document of documents) expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys, unknown kinds, bad ids and bad enum values', () => {
    const base = { kind: 'assignment', id: 'eng-github', when: { all: [] }, assign: [{ app: 'github' }] };
    expect(validate(base)).toBe(true);
    expect(validate({ ...base, extra: 1 })).toBe(false);
    expect(validate({ ...base, kind: 'policy' })).toBe(false);
    expect(validate({ ...base, id: 'Eng_GitHub' })).toBe(false);
    expect(validate({ ...base, assign: [{ app: 'github', rol: 'x' }] })).toBe(false);
    expect(validate({ kind: 'app', id: 'x', connector: 'ftp' })).toBe(false);
  });
});

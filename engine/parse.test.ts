import { describe, expect, it } from 'vitest';
import { parseSources } from './parse.ts';

describe('parseSources', () => {
  it('reads every document of a multi-document YAML file with its starting line', () => {
    const text = ['kind: app', 'id: github', 'connector: scim', '---', '# a comment', 'kind: app', 'id: slack', 'connector: scim', ''].join('\n');
    const { documents, diagnostics } = parseSources([{ path: 'rules/apps.yaml', text }]);
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => [d.file, d.line, (d.value as { id: string }).id])).toEqual([
      ['rules/apps.yaml', 1, 'github'],
      ['rules/apps.yaml', 6, 'slack'],
    ]);
  });

  it('finds the line of a path inside a document, or of its nearest ancestor', () => {
    const text = [
      'kind: assignment', // 1
      'id: eng-github', // 2
      'when:', // 3
      '  all:', // 4
      '    - fact: department', // 5
      '      operator: equal', // 6
      '      value: Engineering', // 7
      'assign: [ { app: github, role: developer } ]', // 8
    ].join('\n');
    const [doc] = parseSources([{ path: 'a.yaml', text }]).documents;
    expect(doc?.lineOf(['when', 'all', 0, 'operator'])).toBe(6);
    expect(doc?.lineOf(['assign', 0, 'role'])).toBe(8);
    expect(doc?.lineOf(['when', 'all', 0, 'missing'])).toBe(5);
    expect(doc?.lineOf(['priority'])).toBe(1);
  });

  it('reports malformed YAML with file and line and never throws', () => {
    const text = ['kind: app', 'id: github', 'roles: [admin, member', 'connector: scim'].join('\n');
    const { documents, diagnostics } = parseSources([{ path: 'rules/bad.yaml', text }]);
    expect(documents).toEqual([]);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ code: 'yaml.syntax', severity: 'error', file: 'rules/bad.yaml' });
    expect(diagnostics[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports duplicate keys in a mapping as a YAML error on their line', () => {
    const text = ['kind: app', 'id: github', 'id: slack', 'connector: scim'].join('\n');
    const { diagnostics } = parseSources([{ path: 'dup.yaml', text }]);
    expect(diagnostics).toMatchObject([{ code: 'yaml.syntax', file: 'dup.yaml', line: 3 }]);
  });

  it('reads JSON files, a top-level array as one rule per item, and ignores the $schema hint', () => {
    const text = JSON.stringify([{ $schema: './schema.json', kind: 'app', id: 'github', connector: 'scim' }, { kind: 'app', id: 'slack', connector: 'scim' }], null, 2);
    const { documents, diagnostics } = parseSources([{ path: 'apps.json', text }]);
    expect(diagnostics).toEqual([]);
    expect(documents.map((d) => d.value)).toEqual([
      { kind: 'app', id: 'github', connector: 'scim' },
      { kind: 'app', id: 'slack', connector: 'scim' },
    ]);
    expect(documents.map((d) => d.line)).toEqual([2, 8]);
  });

  it('reports malformed JSON as json.syntax, including YAML-only syntax in a .json file', () => {
    const broken = parseSources([{ path: 'a.json', text: '{\n  "kind": "app",\n  "id": \n}' }]);
    expect(broken.diagnostics).toMatchObject([{ code: 'json.syntax', file: 'a.json' }]);
    const yamlish = parseSources([{ path: 'b.json', text: '{ kind: app }' }]);
    expect(yamlish.diagnostics).toMatchObject([{ code: 'json.syntax', file: 'b.json', line: 1 }]);
  });

  it('skips a JSON Schema kept beside the rules (rules/schema.json)', () => {
    const text = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', oneOf: [] });
    expect(parseSources([{ path: 'rules/schema.json', text }])).toEqual({ documents: [], diagnostics: [] });
  });

  it('skips rule tests and empty documents', () => {
    const { documents, diagnostics } = parseSources([
      { path: 'rules/github.test.yaml', text: 'users: [' },
      { path: 'rules/empty.yaml', text: '# nothing yet\n---\n' },
    ]);
    expect(documents).toEqual([]);
    expect(diagnostics).toEqual([]);
  });
});

describe('parseSources on a JSON object file', () => {
  it('finds lines of paths on demand', () => {
    const text = '\n{\n  "kind": "assignment",\n  "id": "x",\n  "assign": [\n    { "app": "github", "rol": "admin" }\n  ]\n}\n';
    const [doc] = parseSources([{ path: 'r.json', text }]).documents;
    expect(doc?.line).toBe(2);
    expect(doc?.lineOf(['assign', 0, 'rol'])).toBe(6);
    expect(doc?.lineOf(['id'])).toBe(4);
  });
});

describe('parseSources on hostile YAML', () => {
  it('reports an alias to an unknown anchor', () => {
    expect(parseSources([{ path: 'a.yaml', text: 'kind: app\nid: *nope\n' }]).diagnostics).toMatchObject([{ code: 'yaml.syntax', file: 'a.yaml' }]);
  });

  it('refuses exponential alias expansion ("billion laughs")', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const { documents, diagnostics } = parseSources([{ path: 'lol.yaml', text: lines.join('\n') }]);
    expect(documents).toEqual([]);
    expect(diagnostics).toMatchObject([{ code: 'yaml.syntax', file: 'lol.yaml', line: 1 }]);
  });
});

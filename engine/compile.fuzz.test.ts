// Whatever text or shape arrives, the compiler answers with diagnostics and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileRules } from './compile.ts';

const kinds = fc.constantFrom('app', 'assignment', 'group', 'settings', 'widget');
const leaf = fc.record({
  fact: fc.constantFrom('department', 'groups', 'title', ''),
  operator: fc.constantFrom('equal', 'in', 'contains', 'matches', 'bogus'),
  value: fc.oneof(fc.string(), fc.integer(), fc.constant('[a-'), fc.array(fc.string(), { maxLength: 3 })),
});
const condition = fc.oneof(leaf, fc.record({ all: fc.array(leaf, { maxLength: 3 }) }), fc.record({ any: fc.array(leaf, { maxLength: 3 }) }), fc.anything());
const document = fc.record(
  {
    kind: kinds,
    id: fc.oneof(fc.constantFrom('github', 'eng', 'a', 'b'), fc.string()),
    connector: fc.constantFrom('scim', 'manual', 'ftp'),
    priority: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string()),
    when: condition,
    assign: fc.array(fc.record({ app: fc.constantFrom('github', 'slack'), role: fc.constantFrom('admin', 'developer') }, { requiredKeys: ['app'] }), { maxLength: 2 }),
    attributes: fc.dictionary(fc.constantFrom('login', 'email'), fc.oneof(fc.constantFrom('user.login.lowerAscii()', 'user.', '1 + "a"'), fc.anything())),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('compileRules on arbitrary input', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('r.yaml', 'r.json'), (text, path) => {
        const { diagnostics } = compileRules([{ path, text }]);
        for (const d of diagnostics) expect(d.code).toMatch(/^[a-z]+\.[a-z-]+$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on rule-shaped documents, and every error names its file and line', () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 5 }), (documents) => {
        const text = documents.map((d) => stringify(d)).join('---\n');
        const { ruleSet, diagnostics } = compileRules([{ path: 'rules/fuzz.yaml', text }]);
        for (const d of diagnostics) {
          expect(d.file).toBe('rules/fuzz.yaml');
          expect(d.line).toBeGreaterThan(0);
        }
        expect(ruleSet.version).toMatch(/^[0-9a-f]{64}$/);
      }),
      { numRuns: 200 },
    );
  });
});

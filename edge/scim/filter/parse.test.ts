// The filter and PATCH-path grammars (RFC 7644 §3.4.2.2, §3.5.2): examples from the RFC,
// a printer/parser round trip over generated filters, and fuzzing: garbage never throws, it
// comes back as a message (the caller's invalidFilter / invalidPath).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttrPath, Filter } from './ast.ts';
import { COMPARE_OPS, pathText } from './ast.ts';
import { MAX_DEPTH, parseFilter, parsePatchPath } from './parse.ts';

function print(f: Filter): string {
  switch (f.type) {
    case 'compare':
      return `${pathText(f.path)} ${f.op} ${JSON.stringify(f.value)}`;
    case 'present':
      return `${pathText(f.path)} pr`;
    case 'and':
    case 'or':
      return `(${print(f.left)} ${f.type} ${print(f.right)})`;
    case 'not':
      return `not (${print(f.filter)})`;
    case 'valuePath':
      return `${pathText(f.path)}[${print(f.filter)}]`;
  }
}

/** Parenthesised groups vanish in the tree: compare trees, not texts. */
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/).filter((n) => !['and', 'or', 'not', 'pr', 'true', 'false', 'null', ...COMPARE_OPS].includes(n.toLowerCase()));
const path: fc.Arbitrary<AttrPath> = fc.record({ attr: name, sub: fc.option(name, { nil: undefined }), uri: fc.option(fc.constant('urn:ietf:params:scim:schemas:core:2.0:User'), { nil: undefined }) }).map((p) => {
  const out: AttrPath = { attr: p.attr };
  if (p.uri !== undefined) out.uri = p.uri;
  if (p.sub !== undefined) out.sub = p.sub;
  return out;
});
// JSON has no -0: printed, it reads back as 0, so the generator does not make it.
const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), fc.boolean(), fc.constant(null));
const leaf = (p: fc.Arbitrary<AttrPath>): fc.Arbitrary<Filter> =>
  fc.oneof(fc.record({ type: fc.constant('compare' as const), path: p, op: fc.constantFrom(...COMPARE_OPS), value }), fc.record({ type: fc.constant('present' as const), path: p }));
const simple = path.map((p) => ({ attr: p.attr }));
const inner = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof({ depthSize: 'small' }, leaf(simple), fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }), fc.record({ type: fc.constant('not' as const), filter: tie('f') })),
})).f;
const filter = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    leaf(path),
    fc.record({ type: fc.constant('valuePath' as const), path: simple, filter: inner }),
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('f'), right: tie('f') }),
    fc.record({ type: fc.constant('not' as const), filter: tie('f') }),
  ),
})).f;

describe('RFC 7644 §3.4.2.2 filter grammar', () => {
  it('parses the RFC examples', () => {
    for (const text of [
      'userName Eq "john"',
      'name.familyName co "O\'Malley"',
      'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName co "O\'Malley"',
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'title pr and userType eq "Employee"',
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    ]) {
      expect(parseFilter(text).ok, text).toBe(true);
    }
  });
  it('gives not > and > or precedence', () => {
    const parsed = parseFilter('a pr or b pr and not (c pr)');
    expect(parsed).toEqual({
      ok: true,
      value: { type: 'or', left: { type: 'present', path: { attr: 'a' } }, right: { type: 'and', left: { type: 'present', path: { attr: 'b' } }, right: { type: 'not', filter: { type: 'present', path: { attr: 'c' } } } } },
    });
  });
  it('keeps string escapes and numbers exact', () => {
    expect(parseFilter('a eq "q\\"uote\\\\ \\u00e9"')).toEqual({ ok: true, value: { type: 'compare', path: { attr: 'a' }, op: 'eq', value: 'q"uote\\ é' } });
    expect(parseFilter('a ge -1.5e3')).toEqual({ ok: true, value: { type: 'compare', path: { attr: 'a' }, op: 'ge', value: -1500 } });
  });
  it('round-trips generated filters (print → parse gives the same tree)', () => {
    fc.assert(
      fc.property(filter, (f) => {
        const parsed = parseFilter(print(f));
        expect(parsed).toEqual({ ok: true, value: f });
      }),
      { numRuns: 400 },
    );
  });
  it('never throws on garbage; what does not parse comes back as a message', () => {
    const alphabet = fc.constantFrom(...'aeqnorpt ()[]."\\:-_1$\t'.split(''), ' eq ', ' and ', ' not ', 'emails[', ']', '"x"');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''))), (text) => {
        const result = parseFilter(text);
        if (!result.ok) expect(result.message).toMatch(/\S/);
      }),
      { numRuns: 3000 },
    );
  });
  it('refuses nesting deeper than MAX_DEPTH without overflowing the stack', () => {
    const deep = `${'('.repeat(10_000)}a pr${')'.repeat(10_000)}`;
    expect(parseFilter(deep)).toEqual({ ok: false, message: expect.stringContaining('longer than') });
    const nested = `${'('.repeat(MAX_DEPTH + 2)}a pr${')'.repeat(MAX_DEPTH + 2)}`;
    expect(parseFilter(nested)).toEqual({ ok: false, message: `filter is nested deeper than ${MAX_DEPTH}` });
  });
});

describe('RFC 7644 §3.5.2 PATCH path grammar', () => {
  it('attrPath, valuePath, and valuePath with a sub-attribute', () => {
    expect(parsePatchPath('name.givenName')).toEqual({ ok: true, value: { path: { attr: 'name', sub: 'givenName' } } });
    expect(parsePatchPath('members[value eq "2819c223"]')).toEqual({ ok: true, value: { path: { attr: 'members' }, filter: { type: 'compare', path: { attr: 'value' }, op: 'eq', value: '2819c223' } } });
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ ok: true, value: { path: { attr: 'emails' }, sub: 'value' } });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager')).toEqual({ ok: true, value: { path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attr: 'manager' } } });
  });
  it('refuses what the grammar does not allow', () => {
    for (const bad of ['', 'emails[type eq "work"', 'emails[type eq "work"].', 'a.b.c', 'emails[type eq "w"] extra', 'x[y[z pr]]', 'name.givenName[type pr]', '[a pr]']) {
      expect(parsePatchPath(bad).ok, bad).toBe(false);
    }
  });
  it('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const result = parsePatchPath(text);
        if (!result.ok) expect(result.message).toMatch(/\S/);
      }),
      { numRuns: 3000 },
    );
  });
});

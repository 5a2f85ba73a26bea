// Differential test: every expression runs through the fast path and through cel-js alone on
// random profiles; the answers (values and error messages) must be the same.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from '@marcbachmann/cel-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from './compile.ts';
import { BAIL, compileFast } from './expressions-fast.ts';
import { compileExpression } from './expressions.ts';
import type { CompiledExpression, ExpressionVars } from './expressions.ts';
import type { SourceFile, User } from './types.ts';

const ROOT = join(import.meta.dirname, '..');

function ruleFiles(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    if (entry.isFile() && /\.ya?ml$/.test(entry.name) && !/\.test\.ya?ml$/.test(entry.name)) files.push({ path: relative(ROOT, full), text: readFileSync(full, 'utf8') });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every mapping expression the demo and example rules write. */
function ruleExpressions(): string[] {
  const sources = new Set<string>();
  for (const dir of ['rules', 'examples']) {
    const { ruleSet } = compileRules(ruleFiles(join(ROOT, dir)));
    for (const app of Object.values(ruleSet.apps)) for (const m of app.mappings) sources.add(m.expr);
    for (const rule of ruleSet.assignments) for (const target of rule.targets) for (const m of target.mappings) sources.add(m.expr);
  }
  return [...sources].sort();
}

function both(source: string): { fast: CompiledExpression; cel: CompiledExpression } | undefined {
  const fast = compileExpression(source, { fastPath: true });
  const cel = compileExpression(source, { fastPath: false });
  expect(fast.ok).toBe(cel.ok);
  return fast.ok && cel.ok ? { fast: fast.value, cel: cel.value } : undefined;
}

// Profiles as HR and SCIM send them, with the awkward values too: absent, null, numbers
// (whole, fractional, -0), lists, nested maps, names an object inherits, non-ASCII text.
const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('ada.lovelace@corp.example', 'Ada', 'Lovelace', 'Müller', 'İstanbul', 'ß', 'Engineering', 'CC-4100', '', ' padded ', 'x@y@z', 'a.b.c', 'ﬁ', 'Σ') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);
const scalar = fc.oneof(
  { weight: 8, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, 0, -0, 3, 2.5, 2 ** 60, -7) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
);
const KEYS = ['id', 'login', 'email', 'firstName', 'lastName', 'department', 'title', 'costCenter', 'location', 'employeeType', 'manager'] as const;
/** Names every object inherits: cel-js reads a profile member of that name its own way. */
const INHERITED = ['toString', 'constructor'] as const;
const address = fc.oneof(fc.record({ city: scalar, country: scalar, valueOf: scalar, constructor: scalar }, { requiredKeys: [] }), scalar);
const profile = fc
  .tuple(
    fc.record({ ...Object.fromEntries(KEYS.map((key) => [key, scalar])), address }, { requiredKeys: [] }),
    fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record(Object.fromEntries(INHERITED.map((key) => [key, scalar])), { requiredKeys: [] }) }),
  )
  .map(([fields, inherited]) => ({ id: 'u1', ...fields, ...inherited }) as User);
const apps = fc.constantFrom({ id: 'github', name: 'GitHub' }, { id: 'corp-ldap', name: 'corp-ldap' }, { id: 'ß', name: '' });

/** `{ fast, bailed }`: how often the fast path answered itself, so a test cannot pass vacuously. */
function agree(sources: readonly string[], runs: number): { answered: number; bailed: number } {
  const counts = { answered: 0, bailed: 0 };
  const compiled = sources.map((source) => ({ source, pair: both(source), quick: compileFast(parse(source).ast) }));
  fc.assert(
    fc.property(profile, apps, (user, app) => {
      const vars: ExpressionVars = { user, app };
      for (const { source, pair, quick } of compiled) {
        if (!pair) continue;
        const expected = pair.cel.evaluate(vars);
        expect(pair.fast.evaluate(vars), source).toEqual(expected);
        const direct = quick?.(user, app);
        if (direct === undefined) continue;
        if (direct === BAIL) counts.bailed++;
        else {
          counts.answered++;
          expect({ ok: true, value: direct }, source).toEqual(expected);
        }
      }
    }),
    { numRuns: runs, seed: 4 },
  );
  return counts;
}

describe('expression fast path', () => {
  const fromRules = ruleExpressions();

  it('covers every mapping expression of the demo and example rules', () => {
    expect(fromRules.length).toBeGreaterThan(15);
    const slow = fromRules.filter((source) => compileFast(parse(source).ast) === undefined);
    expect(slow).toEqual([]);
  });

  it('gives what cel-js gives for every rules expression, on random profiles', () => {
    const counts = agree(fromRules, 300);
    // Many random profiles lack an attribute or hold another type: cel-js answers those.
    expect(counts.answered).toBeGreaterThan(1000);
  });

  it('answers a demo profile itself and agrees with cel-js', () => {
    const user: User = { id: 'e1001', login: 'ada', email: 'Ada.Lovelace@Acme.example', firstName: 'Ada', lastName: 'Lovelace', department: 'Engineering', costCenter: 'CC-4100', employeeType: 'FTE', location: 'London', title: 'Engineer' };
    const app = { id: 'github', name: 'GitHub' };
    for (const source of fromRules) {
      const direct = compileFast(parse(source).ast)?.(user, app);
      expect(direct, source).not.toBe(BAIL);
      expect(both(source)?.fast.evaluate({ user, app }), source).toEqual({ ok: true, value: direct });
    }
    expect(both('"acme-" + user.email.split("@")[0].lowerAscii().replace(".", "-")')?.fast.evaluate({ user, app })).toEqual({ ok: true, value: 'acme-ada-lovelace' });
  });

  it('leaves errors to cel-js: the same message for a missing attribute, a wrong type, a short list', () => {
    const user: User = { id: 'u1', email: 'nobody', level: 3, title: null as unknown as string };
    const app = { id: 'github', name: 'GitHub' };
    for (const source of ['user.firstName + " " + user.lastName', 'user.level + "x"', 'user.email.split("@")[1]', 'user.title.lowerAscii()', 'has(user.address.city) ? "a" : "b"']) {
      const pair = both(source)!;
      const result = pair.fast.evaluate({ user, app });
      expect(result.ok, source).toBe(false);
      expect(result, source).toEqual(pair.cel.evaluate({ user, app }));
    }
    expect(both('user.firstName')!.fast.evaluate({ user, app })).toEqual({ ok: false, error: 'needs `firstName`' });
  });

  it('treats an own `__proto__` member and inherited names as cel-js does', () => {
    const user = JSON.parse('{"id":"u1","__proto__":"p","email":"a@b"}') as User;
    const app = { id: 'github', name: 'GitHub' };
    for (const source of ['user.__proto__', 'has(user.__proto__) ? "y" : "n"', 'user.toString', 'has(user.constructor) ? "y" : "n"', 'user.email']) {
      const pair = both(source)!;
      expect(pair.fast.evaluate({ user, app }), source).toEqual(pair.cel.evaluate({ user, app }));
    }
  });

  // Generated expressions over the shapes the fast path knows, and a few it does not.
  const literal = fc.oneof(fc.constantFrom('""', '" "', '"@"', '"."', '"-"', '"acme-"', '"/"', '", "', "'x'", '"\\u00e9"', '"\\n"'), fc.string({ maxLength: 4 }).map((s) => JSON.stringify(s)));
  const attribute = fc.constantFrom(...[...KEYS, ...INHERITED].map((k) => `user.${k}`), 'user.address.city', 'user.address.constructor', 'user.address', 'app.id', 'app.name', 'user.nothing');
  const { str } = fc.letrec<{ str: string; cond: string }>((tie) => ({
    str: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      attribute,
      literal,
      tie('str').map((s) => `${s}.lowerAscii()`),
      tie('str').map((s) => `${s}.upperAscii()`),
      tie('str').map((s) => `${s}.trim()`),
      fc.tuple(tie('str'), literal, fc.integer({ min: -1, max: 2 })).map(([s, sep, i]) => `${s}.split(${sep})[${i}]`),
      fc.tuple(tie('str'), literal, literal).map(([s, a, b]) => `${s}.replace(${a}, ${b})`),
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} + ${b}`),
      fc.tuple(tie('cond'), tie('str'), tie('str')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
      fc.constantFrom('string(user.level)', 'user.tags.join(",")', 'user.login.substring(0, 1)'),
    ),
    cond: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom('true', 'false', ...[...KEYS, ...INHERITED].map((k) => `has(user.${k})`), 'has(user.address.city)', 'has(user.address)', 'has(app.name)'),
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} == ${b}`),
      fc.tuple(tie('str'), tie('str')).map(([a, b]) => `${a} != ${b}`),
      fc.tuple(tie('str'), literal, fc.constantFrom('contains', 'startsWith', 'endsWith')).map(([s, l, m]) => `${s}.${m}(${l})`),
      tie('cond').map((c) => `!(${c})`),
      fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} && ${b})`),
      fc.tuple(tie('cond'), tie('cond')).map(([a, b]) => `(${a} || ${b})`),
    ),
  }));

  it('gives what cel-js gives for generated simple expressions, on random profiles', () => {
    const sources = fc.sample(fc.oneof(str, str.map((s) => `${s} == "Ada" ? "yes" : "no"`)), { numRuns: 150, seed: 7 });
    const compiled = sources.filter((source) => compileExpression(source).ok);
    expect(compiled.length).toBeGreaterThan(100);
    const counts = agree(compiled, 60);
    expect(counts.answered).toBeGreaterThan(500);
  });
});

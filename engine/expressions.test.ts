import { describe, expect, it } from 'vitest';
import { makeContext } from './context.ts';
import { compileExpression, toJson, toMapping } from './expressions.ts';
import type { AppRule, User } from './types.ts';

const ada: User = {
  id: 'u1',
  login: 'ALovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada.lovelace@corp.example',
  level: 3,
  score: 2.5,
  tags: ['math', 'engines'],
  address: { city: 'London' },
};
const app = { id: 'github', name: 'GitHub' };

function run(source: string, user: User = ada) {
  const compiled = compileExpression(source);
  if (!compiled.ok) throw new Error(compiled.problem.message);
  return compiled.value.evaluate({ user, app });
}

describe('compileExpression', () => {
  it.each([
    ['user.login.lowerAscii()', 'alovelace'],
    ['user.firstName + "." + user.lastName + "@example.com"', 'Ada.Lovelace@example.com'],
    ['user.email.split("@")[0]', 'ada.lovelace'],
    ['user.email.replace("corp.example", "example.com")', 'ada.lovelace@example.com'],
    ['user.address.city.upperAscii()', 'LONDON'],
    ['app.id + ":" + user.login', 'github:ALovelace'],
    ['user.tags.join(",")', 'math,engines'],
    ['has(user.manager) ? user.manager : "none"', 'none'],
    ['user.level + 1', 4],
    ['user.score * 2.0', 5],
    ['user.tags.size() > 1', true],
    ['{"a": user.level, "b": [user.login]}', { a: 3, b: ['ALovelace'] }],
    ['timestamp("2024-01-02T03:04:05Z")', '2024-01-02T03:04:05.000Z'],
  ])('%s evaluates to plain json', (source, expected) => {
    expect(run(source)).toEqual({ ok: true, value: expected });
  });

  it('reports a missing attribute as a value naming it, without throwing', () => {
    expect(run('user.manager + "@corp"')).toEqual({ ok: false, error: 'needs `manager`' });
  });

  it('reports other evaluation failures as values', () => {
    const result = run('user.login.substring(0, 99)');
    expect(result.ok).toBe(false);
    expect(run('user.level / 0').ok).toBe(false);
  });

  it('rejects a syntax error at compile time', () => {
    const compiled = compileExpression('user.login.');
    expect(compiled).toMatchObject({ ok: false, problem: { code: 'expr.syntax' } });
    if (!compiled.ok) expect(compiled.problem.message).toContain('`user.login.`');
  });

  it('rejects an unknown variable or mistyped operands at compile time', () => {
    expect(compileExpression('person.email')).toMatchObject({ ok: false, problem: { code: 'expr.type' } });
    expect(compileExpression('1 + "a"')).toMatchObject({ ok: false, problem: { code: 'expr.type' } });
  });
});

describe('toJson', () => {
  it('turns bigint into number and refuses values JSON cannot hold', () => {
    expect(toJson(42n)).toEqual({ ok: true, value: 42 });
    expect(toJson(2n ** 64n).ok).toBe(false);
    expect(toJson(new Uint8Array([1])).ok).toBe(false);
    expect(toJson(new Map([['k', [1n]]]))).toEqual({ ok: true, value: { k: [1] } });
  });
});

describe('toMapping', () => {
  it('evaluates against a user and an app rule', () => {
    const compiled = compileExpression('app.name + "/" + user.login.lowerAscii()');
    if (!compiled.ok) throw new Error('expected to compile');
    const mapping = toMapping('login', compiled.value, true);
    const github: AppRule = { kind: 'app', id: 'github', name: 'GitHub', connector: 'scim' };
    expect(mapping).toMatchObject({ name: 'login', expr: 'app.name + "/" + user.login.lowerAscii()', createOnly: true });
    expect(mapping.evaluate(ada, github, makeContext('2024-01-01T00:00:00Z'))).toEqual({ ok: true, value: 'GitHub/alovelace' });
    expect(mapping.evaluate(ada, { ...github, name: undefined }, makeContext('2024-01-01T00:00:00Z'))).toEqual({ ok: true, value: 'github/alovelace' });
  });
});

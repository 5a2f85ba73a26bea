import { describe, expect, it } from 'vitest';
import { loginProblem, validateRecord } from './validate.ts';

describe('validateRecord: reserved keys in json', () => {
  it('names a `__proto__` key at any depth', () => {
    const value = JSON.parse('{"id":"e1","firstName":"A","lastName":"B","email":"a@x.example","address":{"__proto__":{"admin":true}}}') as unknown;
    expect(validateRecord({ line: 3, value }, { mode: 'full' })).toEqual({
      ok: false,
      errors: [{ line: 3, id: 'e1', message: '`address.__proto__` uses a reserved name (`__proto__`, `prototype` and `constructor` are not attributes)' }],
    });
  });
});

describe('validateRecord: terminations', () => {
  it('refuses a termination whose status says the worker stays, instead of counting it unchanged', () => {
    expect(validateRecord({ line: 2, value: { op: 'terminate', id: 'w1', status: 'Active' } }, { mode: 'incremental' })).toEqual({
      ok: false,
      errors: [{ line: 2, id: 'w1', message: '`op` terminate contradicts `status` `ACTIVE` (leave `status` empty: the termination sets it)' }],
    });
    expect(validateRecord({ line: 3, value: { op: 'terminate', id: 'w1', status: 'deprovisioned' } }, { mode: 'incremental' }).ok).toBe(true);
  });
});

describe('logins', () => {
  it('holds an HR file\'s login to the rule the admin API and JIT follow (trimmed first, as before)', () => {
    const worker = { id: 'w1', firstName: 'A', lastName: 'B', email: 'a@x.example' };
    expect(validateRecord({ line: 2, value: { ...worker, login: '  ann  ' } }, { mode: 'full' })).toMatchObject({ ok: true, change: { login: 'ann' } });
    expect(validateRecord({ line: 2, value: { ...worker, login: 'an\u200bn' } }, { mode: 'full' })).toEqual({ ok: false, errors: [{ line: 2, id: 'w1', message: '`login` has control or invisible characters, which no login may have' }] });
    expect(validateRecord({ line: 2, value: { ...worker, login: 'a'.repeat(201) } }, { mode: 'full' })).toEqual({ ok: false, errors: [{ line: 2, id: 'w1', message: '`login` is 201 characters long: a login has at most 200' }] });
  });

  it('names each problem, and none for a login with inner spaces and punctuation', () => {
    expect(['', ' ann', 'ann\u00a0', 'an\nn', 'a'.repeat(201), 'an\ud800n', "Ann Marie.O'Neil", 'ann\u{1f600}'].map(loginProblem)).toEqual([
      'is empty',
      'starts or ends with a space, which no login may',
      'starts or ends with a space, which no login may',
      'has control or invisible characters, which no login may have',
      'is 201 characters long: a login has at most 200',
      'has half of a UTF-16 surrogate pair (not a character), which no login may have',
      undefined,
      undefined,
    ]);
  });
});

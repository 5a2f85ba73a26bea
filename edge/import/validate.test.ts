import { describe, expect, it } from 'vitest';
import { validateRecord } from './validate.ts';

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

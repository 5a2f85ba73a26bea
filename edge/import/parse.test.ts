import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecords } from './parse.ts';

const HEAD = 'id,firstName,lastName,email';

describe('parseRecords: csv header', () => {
  it('refuses a `__proto__` column instead of writing to Object.prototype', () => {
    const parsed = parseRecords(`${HEAD},__proto__.polluted\ne1,A,B,a@x.example,yes\n`, 'csv');
    expect(parsed).toEqual({ ok: false, error: { line: 1, message: 'column 5 `__proto__.polluted` uses the reserved name `__proto__`' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names a column given twice, rather than keeping the last one', () => {
    expect(parseRecords(`${HEAD},email\ne1,A,B,a@x.example,b@x.example\n`, 'csv')).toEqual({ ok: false, error: { line: 1, message: 'column `email` appears twice (columns 4 and 5)' } });
    expect(parseRecords('id,"x\ny","x\ny"\ne1,1,2\n', 'csv')).toEqual({ ok: false, error: { line: 1, message: 'column `x\\ny` appears twice (columns 2 and 3)' } });
  });

  it('names `a` beside `a.b` and empty parts', () => {
    const parsed = parseRecords(`\n${HEAD},address,address.city,x.\ne1,A,B,a@x.example,1,2,4\n`, 'csv');
    expect(parsed).toEqual({
      ok: false,
      error: { line: 2, message: 'column 7 `x.` has an empty part between dots; column `address` holds a value and `address.city` makes it an object: keep one' },
    });
  });

  it('reads the empty trailing columns of an export, and names a nameless column that holds a value', () => {
    const parsed = parseRecords(`${HEAD},,\ne1,A,B,a@x.example,,\n`, 'csv');
    expect(parsed).toEqual({ ok: true, records: [{ line: 2, value: { id: 'e1', firstName: 'A', lastName: 'B', email: 'a@x.example' } }] });
    expect(parseRecords(`${HEAD},,\ne1,A,B,a@x.example,,\ne2,C,D,c@x.example,,Sales\n`, 'csv')).toEqual({ ok: false, error: { line: 3, message: 'column 6 has no name in the header but holds `Sales`' } });
  });
});

describe('parseRecords: csv lines', () => {
  it('gives the line a record starts on, with quoted newlines, CRLF, a BOM and blank lines', () => {
    const text = `\uFEFF${HEAD}\r\ne1,"Ada\r\nMarie",L,a@x.example\r\n\r\ne2,"Bö\r\n\r\nX",L,b@x.example\r\ne3,C,L,c@x.example\r\n`;
    const parsed = parseRecords(text, 'csv');
    expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual([2, 5, 8]);
  });

  it('reads a file whose line endings are mixed (CRLF, LF, CR) as one record a line', () => {
    const parsed = parseRecords(`${HEAD}\r\ne1,A,L,a@x.example\ne2,"B\r\nC",L,b@x.example\r\ne3,D,L,d@x.example\re4,E,L,e@x.example\n`, 'csv');
    expect(parsed.ok && parsed.records.map((r) => [r.line, (r.value as { id: string }).id])).toEqual([
      [2, 'e1'],
      [3, 'e2'],
      [5, 'e3'],
      [6, 'e4'],
    ]);
  });

  it('says how many fields a short or long record has', () => {
    expect(parseRecords(`${HEAD}\ne1,A,B,a@x.example,extra\n`, 'csv')).toEqual({ ok: false, error: { line: 2, message: 'malformed csv: record has 5 fields, the header 4' } });
  });

  it('never throws or touches Object.prototype, whatever the header', () => {
    const name = fc.constantFrom('__proto__', 'constructor', 'prototype', 'a', 'b', 'toString', '', 'x.y');
    fc.assert(
      fc.property(fc.array(fc.array(name, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (columns) => {
        const header = columns.map((parts) => parts.join('.'));
        const parsed = parseRecords(`${header.join(',')}\n${header.map(() => 'v').join(',')}\n`, 'csv');
        expect(Object.keys(Object.prototype)).toEqual([]);
        if (parsed.ok) expect(parsed.records).toHaveLength(1);
      }),
    );
  });
});

describe('parseRecords: json lines', () => {
  it('finds the lines of the `workers` array, not of an array before it', () => {
    const text = '{\n  "exportedBy": "workday [test]",\n  "sites": ["a", "b"],\n  "workers": [\n    {"id": "e1"},\n\n    {"id": "e2"}\n  ]\n}\n';
    const parsed = parseRecords(text, 'json');
    expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual([5, 7]);
    const array = parseRecords('[\n  {"id": "a\\"["},\n  {"id": "b"}\n]', 'json');
    expect(array.ok && array.records.map((r) => r.line)).toEqual([2, 3]);
  });

  it('gives each worker its own line, whatever its strings hold and whatever comes before', () => {
    const worker = fc.record({ id: fc.string(), note: fc.oneof(fc.string(), fc.array(fc.string())), nested: fc.dictionary(fc.string(), fc.string()) });
    fc.assert(
      fc.property(fc.array(worker, { minLength: 1, maxLength: 6 }), fc.array(fc.string()), fc.boolean(), (workers, before, wrapped) => {
        const body = workers.map((w) => JSON.stringify(w)).join(',\n');
        const text = wrapped ? `{"before": ${JSON.stringify(before)},\n"workers": [\n${body}\n]}` : `[\n${body}\n]`;
        const parsed = parseRecords(text, 'json');
        expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual(workers.map((_, index) => index + (wrapped ? 3 : 2)));
      }),
    );
  });
});

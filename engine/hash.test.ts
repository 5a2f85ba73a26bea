import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson, sha256Hex, sha256HexPrefix } from './hash.ts';

/** The first, plain implementation: the optimised one must write exactly what it wrote. */
function referenceJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((item) => referenceJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${referenceJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

const referenceHash = (text: string) => bytesToHex(sha256(utf8ToBytes(text)));

/** Any value at all: sparse lists, bigints, dates, maps, boxed values, lone surrogates. */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'binary',
  key: fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('a', 'b', 'B', '10', '2', 'é', '', '__proto__')),
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
  });
});

describe('hashJson', () => {
  it('is the sha256 of the canonical JSON', () => {
    // sha256("abc"), the FIPS 180-2 test vector
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashJson({ x: 1 })).toBe(sha256Hex('{"x":1}'));
  });

  it('ignores key order but not values', () => {
    expect(hashJson({ a: 1, b: [1, 2] })).toBe(hashJson({ b: [1, 2], a: 1 }));
    expect(hashJson({ a: 1, b: [1, 2] })).not.toBe(hashJson({ a: 1, b: [2, 1] }));
    expect(hashJson({ a: 1 })).not.toBe(hashJson({ a: '1' }));
  });
});

describe('canonical JSON and hashes stay the same values', () => {
  it('writes keys in string order, integer-like keys included, and escapes as JSON.stringify does', () => {
    const value = { type: 'account.create', userId: 'u3', appId: 'x', attributes: { n: 3, f: 2.5, b: true, z: null, list: ['b', 'a', { y: 1, x: [] }], nested: { k: '"quoted"\n\u2028😀\ud800', a: {} }, '': 'empty key', é: 1, Z: 2, '10': 'ten', '2': 'two' } };
    expect(canonicalJson(value)).toBe(
      '{"appId":"x","attributes":{"":"empty key","10":"ten","2":"two","Z":2,"b":true,"f":2.5,"list":["b","a",{"x":[],"y":1}],"n":3,"nested":{"a":{},"k":"\\"quoted\\"\\n\u2028😀\\ud800"},"z":null,"é":1},"type":"account.create","userId":"u3"}',
    );
  });

  it('keeps its treatment of values JSON has no words for', () => {
    const odd = { big: 1e21, neg: -0, small: 1e-7, u: undefined, arr: [undefined, () => 1, Symbol('x')], fn: () => 1, d: new Date(0), n: 12n, inf: -Infinity };
    expect(canonicalJson(odd)).toBe('{"arr":[null,null,null],"big":1e+21,"d":{},"fn":null,"inf":null,"n":12,"neg":0,"small":1e-7}');
  });

  it('hashes to the values it always had', () => {
    expect(hashJson({ b: [1, { d: undefined, c: 'x' }], a: 'ü' })).toBe('f615993a25385586300a726581f53aafd1c68dc89f79ccbe0e46ca7dae4229d3');
    expect(hashJson('plain')).toBe('945603a8f587786b463c3f94fce115c0fae88fac2728cc96ddf5981cf7f61741');
    expect(hashJson([undefined, 1n, NaN, Infinity])).toBe('e1f63b9af2a48e47c6ac94f38f63a9e1b80336e69300e3eab1e72334bdb34af2');
  });
});

describe('canonical JSON, written fast, equals the plain implementation', () => {
  it('for any value', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(canonicalJson(value)).toBe(referenceJson(value));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('hashes any text as sha256 of its UTF-8 does, long texts and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 3000 })), fc.integer({ min: 1, max: 64 }), (text, length) => {
        const expected = referenceHash(text);
        expect(sha256Hex(text)).toBe(expected);
        expect(sha256HexPrefix(text, length)).toBe(expected.slice(0, length));
      }),
      { numRuns: 500, seed: 12 },
    );
    expect(sha256Hex('x'.repeat(100_000))).toBe(referenceHash('x'.repeat(100_000)));
  });

  it('hashes records as sha256 of their canonical JSON', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(hashJson(value)).toBe(referenceHash(referenceJson(value)));
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});

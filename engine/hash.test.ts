import { describe, expect, it } from 'vitest';
import { canonicalJson, hashJson, sha256Hex } from './hash.ts';

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

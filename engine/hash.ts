// The rule-set version and action ids are hashes of canonical JSON: equal data, equal hash,
// whatever the key order or formatting it came in.
//
// Every planned action is hashed, so this is written for speed: one pass that builds the text
// without intermediate arrays (keys are sorted only when they are out of order), encoded into
// one reused buffer, hashed by one reused hasher. The output is the same as always:
// hash.test.ts and ids.test.ts pin known values, and compare with a plain implementation.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * JSON with object keys sorted at every depth. `undefined` members are dropped (as
 * `JSON.stringify` does), so an absent optional field and a missing one hash alike.
 * (Functions and symbols are `null` wherever they are; bigints are their digits; other objects,
 * dates included, are their own enumerable members; `toJSON` is not consulted.)
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return scalarJson(value);
  if (Array.isArray(value)) return arrayJson(value);
  return objectJson(value as Record<string, unknown>);
}

/** A JSON string literal: quotes around the text when nothing in it needs escaping. */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Control characters, `"`, `\` and surrogates (a lone one is escaped): JSON.stringify decides.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return '"' + text + '"';
}

function scalarJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // A finite number's JSON is its `String` (-0 included: both write `0`).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    default:
      // null, undefined, functions and symbols.
      return 'null';
  }
}

function arrayJson(items: readonly unknown[]): string {
  if (items.length === 0) return '[]';
  let text = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ',';
    const item = items[i];
    // A hole in a sparse list is written as nothing, as `Array.prototype.map` then `join` did.
    if (item === undefined && !(i in items)) continue;
    text += item === null || typeof item !== 'object' ? scalarJson(item) : canonicalJson(item);
  }
  return text + ']';
}

function objectJson(object: Record<string, unknown>): string {
  const keys = Object.keys(object);
  sortKeys(keys);
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = object[key];
    if (member === undefined) continue;
    if (text.length > 1) text += ',';
    text += quote(key) + ':' + (member === null || typeof member !== 'object' ? scalarJson(member) : canonicalJson(member));
  }
  return text + '}';
}

/**
 * Sorts distinct keys in place in `Array.prototype.sort`'s default order (UTF-16 code units,
 * which is what `<` compares). Keys usually come in order or nearly: a few are moved by hand.
 */
function sortKeys(keys: string[]): void {
  const n = keys.length;
  if (n > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    if ((keys[j] as string) < key) continue;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
}

// Scratch space reused by every hash: hashing is synchronous, so no two calls share it.
const encoder = new TextEncoder();
let scratch = new Uint8Array(4096);
const digest = new Uint8Array(32);
const pristine = sha256.create();
const hasher = sha256.create();

/** sha256 of the UTF-8 of `text`, into the shared `digest`. */
function digestOf(text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(text.length * 3, scratch.length * 2));
  const { written } = encoder.encodeInto(text, scratch);
  pristine._cloneInto(hasher);
  hasher.update(scratch.subarray(0, written));
  hasher.digestInto(digest);
  return digest;
}

/** sha256 hex of a string. */
export function sha256Hex(text: string): string {
  return bytesToHex(digestOf(text));
}

const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/**
 * The first `length` hex digits (at most 64) of the sha256 of a string. Made from char codes
 * in one go: one flat string (joining two-digit pieces would keep a tree of them per id).
 */
export function sha256HexPrefix(text: string, length: number): string {
  const bytes = digestOf(text);
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    const byte = bytes[i >> 1] as number;
    codes[i] = HEX_CODES[i & 1 ? byte & 15 : byte >> 4] as number;
  }
  return String.fromCharCode.apply(null, codes);
}

/** sha256 hex of the canonical JSON of `value`. */
export function hashJson(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

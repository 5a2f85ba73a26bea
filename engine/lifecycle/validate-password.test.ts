import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../context.ts';
import { commonPasswordCount, isCommonPassword } from './common-passwords.ts';
import type { PasswordPolicy } from './password-policy.ts';
import { userParts, validatePassword } from './validate-password.ts';
import type { PasswordHistoryEntry, PasswordHistoryMatcher } from './validate-password.ts';

// Stands in for the edge's real hash verification: the engine only ever sees `hash`.
const hash = (pw: string): string => bytesToHex(sha256(utf8ToBytes(`salt:${pw}`)));
const matcher: PasswordHistoryMatcher = (candidate, entry) => hash(candidate) === entry.hash;
const never: PasswordHistoryMatcher = () => false;

const ctx = makeContext('2026-06-01T12:00:00Z');
const jane = { id: 'u1', login: 'jane.okafor', email: 'jokafor@example.com', firstName: 'Jane', lastName: 'Okafor' };

const strict: PasswordPolicy = {
  minLength: 12,
  maxLength: 64,
  require: { lowercase: true, uppercase: true, digit: true, symbol: true },
  excludeUsernameParts: true,
  historyCount: 5,
  commonPasswordCheck: true,
};

const codes = (policy: PasswordPolicy, candidate: string, history: PasswordHistoryEntry[] = []): string[] =>
  validatePassword(policy, jane, candidate, history, ctx, matcher).map((v) => v.code);

describe('validatePassword', () => {
  it('accepts a password that meets every rule', () => {
    expect(validatePassword(strict, jane, 'Tangerine-Kayak-42', [], ctx, matcher)).toEqual([]);
  });

  it('reports every violation at once, in words, in a stable order', () => {
    const violations = validatePassword(strict, jane, 'okafor', [], ctx, matcher);
    expect(violations).toEqual([
      { code: 'password.too-short', message: 'must be at least 12 characters (has 6)' },
      { code: 'password.missing-uppercase', message: 'must contain an uppercase letter' },
      { code: 'password.missing-digit', message: 'must contain a digit' },
      { code: 'password.missing-symbol', message: 'must contain a symbol (a character that is not a letter or digit)' },
      { code: 'password.contains-user-part', message: 'must not contain your username', part: 'login' },
      { code: 'password.contains-user-part', message: 'must not contain your last name', part: 'lastName' },
    ]);
    expect(codes({ excludeUsernameParts: ['email'] }, 'xJokafor!')).toEqual(['password.contains-user-part']);
  });

  it('reports an over-long password with its length', () => {
    expect(validatePassword({ maxLength: 8 }, jane, 'abcdefghij', [], ctx, never)).toEqual([
      { code: 'password.too-long', message: 'must be at most 8 characters (has 10)' },
    ]);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(codes({ minLength: 4 }, '🔑🔑🔑')).toEqual(['password.too-short']);
    expect(validatePassword({ minLength: 4 }, jane, '🔑🔑🔑', [], ctx, never)[0]?.message).toBe('must be at least 4 characters (has 3)');
    expect(codes({ minLength: 3 }, '🔑🔑🔑')).toEqual([]);
  });

  it('checks each required class on its own, Unicode-aware', () => {
    expect(codes({ require: { lowercase: true } }, 'ABC')).toEqual(['password.missing-lowercase']);
    expect(codes({ require: { lowercase: true } }, 'ÀBç')).toEqual([]);
    expect(codes({ require: { digit: true, symbol: true } }, 'abc def')).toEqual(['password.missing-digit']);
    expect(codes({ require: { uppercase: false } }, 'abc')).toEqual([]);
  });

  it('requires a minimum number of classes and says how many were used', () => {
    const [v] = validatePassword({ minClasses: 3 }, jane, 'lettersAndCaps', [], ctx, never);
    expect(v).toEqual({
      code: 'password.too-few-classes',
      message: 'must mix at least 3 of: lowercase letters, uppercase letters, digits, symbols (has 2)',
    });
    expect(codes({ minClasses: 3 }, 'letters4Caps')).toEqual([]);
  });

  it('finds name parts case-insensitively, ignoring parts shorter than 3', () => {
    const al = { id: 'u2', login: 'al.li', firstName: 'Al', lastName: 'Li', email: 'al@example.com' };
    expect(validatePassword({ excludeUsernameParts: true }, al, 'always-lively', [], ctx, never)).toEqual([]);
    expect(codes({ excludeUsernameParts: true }, 'My-JANE-rocks')).toEqual(['password.contains-user-part', 'password.contains-user-part']);
    expect(validatePassword({ excludeUsernameParts: ['firstName'] }, jane, 'My-JANE-rocks', [], ctx, never)).toEqual([
      { code: 'password.contains-user-part', message: 'must not contain your first name', part: 'firstName' },
    ]);
  });

  it('splits logins and email local parts into words; ignores the email domain', () => {
    expect(userParts(jane, 'login')).toEqual(['jane', 'okafor']);
    expect(userParts(jane, 'email')).toEqual(['jokafor']);
    expect(userParts({ id: 'x', lastName: 'van der Berg' }, 'lastName')).toEqual(['van', 'der', 'berg']);
    expect(userParts({ id: 'x' }, 'lastName')).toEqual([]);
    expect(codes({ excludeUsernameParts: ['email'] }, 'example-of-mine')).toEqual([]);
  });

  it('refuses common passwords from the published list, whatever the case', () => {
    expect(commonPasswordCount()).toBeGreaterThanOrEqual(10_000);
    expect(isCommonPassword('P@ssw0rd')).toBe(true);
    expect(isCommonPassword('Tangerine-Kayak-42')).toBe(false);
    expect(validatePassword({ commonPasswordCheck: true }, jane, 'Trustno1', [], ctx, never)).toEqual([
      { code: 'password.common', message: 'is one of the most common passwords' },
    ]);
    expect(codes({}, 'password')).toEqual([]);
  });

  it('refuses a password from the last N by hash, and only the last N', () => {
    const history = ['Newest-Pass-1', 'Second-Pass-2', 'Third-Pass-3'].map((pw, i) => ({
      hash: hash(pw),
      changedAt: `2026-0${5 - i}-01T00:00:00Z`,
    }));
    expect(validatePassword({ historyCount: 2 }, jane, 'Second-Pass-2', history, ctx, matcher)).toEqual([
      { code: 'password.reused', message: 'was used in your last 2 passwords' },
    ]);
    expect(codes({ historyCount: 2 }, 'Third-Pass-3', history)).toEqual([]);
    expect(codes({ historyCount: 1 }, 'Newest-Pass-1', history)).toEqual(['password.reused']);
    expect(validatePassword({ historyCount: 1 }, jane, 'Newest-Pass-1', history, ctx, matcher)[0]?.message).toBe(
      'is the same as your current password',
    );
    expect(codes({}, 'Newest-Pass-1', history)).toEqual([]);
  });

  it('stops verifying hashes at the first match', () => {
    const history = ['a', 'b', 'c', 'd'].map((pw) => ({ hash: hash(pw) }));
    let calls = 0;
    const counting: PasswordHistoryMatcher = (c, e) => {
      calls += 1;
      return matcher(c, e);
    };
    validatePassword({ historyCount: 4 }, jane, 'b', history, ctx, counting);
    expect(calls).toBe(2);
  });

  it('reports a change inside the minimum age, from the newest change in the history', () => {
    const history = [
      { hash: hash('old'), changedAt: '2026-01-01T00:00:00Z' },
      { hash: hash('current'), changedAt: '2026-06-01T11:30:00Z' },
    ];
    expect(validatePassword({ minAgeMinutes: 60 }, jane, 'anything', history, ctx, never)).toEqual([
      { code: 'password.too-soon', message: 'was changed too recently: it can be changed again in 30 minutes' },
    ]);
    expect(codes({ minAgeMinutes: 20 }, 'anything', history)).toEqual([]);
  });
});

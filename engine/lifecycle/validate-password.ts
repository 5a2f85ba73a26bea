// Every way a candidate password breaks a policy, in words a person understands. The UI shows
// these as the user types, so all are collected: none stops the others.
import type { EvalContext, User } from '../types.ts';
import { isCommonPassword } from './common-passwords.ts';
import { passwordChangeAllowed, USER_PART_SOURCES } from './password-policy.ts';
import type { PasswordPolicy, PasswordViolation, UserPartSource } from './password-policy.ts';

/** One earlier password, as a hash only: the engine never sees an old password in plain text. */
export interface PasswordHistoryEntry {
  /** The stored hash (any format: only `matches` reads it). */
  hash: string;
  /** When the password was set (ISO-8601); the newest entry's is the last change. */
  changedAt?: string;
}

/** Verifies a candidate against a stored hash; supplied by the edge, which owns hashing. */
export type PasswordHistoryMatcher = (candidate: string, entry: PasswordHistoryEntry) => boolean;

/** Parts shorter than this are too common to forbid (`al`, `li`). */
export const MIN_USER_PART_LENGTH = 3;

const CLASS_TESTS = {
  lowercase: /\p{Ll}/u,
  uppercase: /\p{Lu}/u,
  digit: /\p{Nd}/u,
  symbol: /[^\p{L}\p{N}]/u,
} as const;
type CharClass = keyof typeof CLASS_TESTS;
const CLASS_ORDER: CharClass[] = ['lowercase', 'uppercase', 'digit', 'symbol'];

const MISSING_CLASS: Record<CharClass, string> = {
  lowercase: 'must contain a lowercase letter',
  uppercase: 'must contain an uppercase letter',
  digit: 'must contain a digit',
  symbol: 'must contain a symbol (a character that is not a letter or digit)',
};

const USER_PART_MESSAGE: Record<UserPartSource, string> = {
  login: 'must not contain your username',
  email: 'must not contain your email address',
  firstName: 'must not contain your first name',
  lastName: 'must not contain your last name',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The lowercase words of a profile value that a password must not contain. */
export function userParts(user: User, source: UserPartSource): string[] {
  const raw = user[source];
  if (typeof raw !== 'string') return [];
  const text = source === 'email' ? raw.split('@')[0] ?? '' : raw;
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((part) => Array.from(part).length >= MIN_USER_PART_LENGTH);
}

function checkLength(policy: PasswordPolicy, length: number, out: PasswordViolation[]): void {
  if (policy.minLength !== undefined && length < policy.minLength) {
    out.push({ code: 'password.too-short', message: `must be at least ${plural(policy.minLength, 'character')} (has ${length})` });
  }
  if (policy.maxLength !== undefined && length > policy.maxLength) {
    out.push({ code: 'password.too-long', message: `must be at most ${plural(policy.maxLength, 'character')} (has ${length})` });
  }
}

function checkClasses(policy: PasswordPolicy, candidate: string, out: PasswordViolation[]): void {
  const present = CLASS_ORDER.filter((c) => CLASS_TESTS[c].test(candidate));
  for (const c of CLASS_ORDER) {
    if (policy.require?.[c] && !present.includes(c)) out.push({ code: `password.missing-${c}`, message: MISSING_CLASS[c] });
  }
  if (policy.minClasses !== undefined && present.length < policy.minClasses) {
    out.push({
      code: 'password.too-few-classes',
      message: `must mix at least ${policy.minClasses} of: lowercase letters, uppercase letters, digits, symbols (has ${present.length})`,
    });
  }
}

function checkUserParts(policy: PasswordPolicy, user: User, candidate: string, out: PasswordViolation[]): void {
  const setting = policy.excludeUsernameParts;
  if (!setting) return;
  const sources = setting === true ? USER_PART_SOURCES : USER_PART_SOURCES.filter((s) => setting.includes(s));
  const lower = candidate.toLowerCase();
  for (const source of sources) {
    if (userParts(user, source).some((part) => lower.includes(part))) {
      out.push({ code: 'password.contains-user-part', message: USER_PART_MESSAGE[source], part: source });
    }
  }
}

function checkHistory(
  policy: PasswordPolicy,
  candidate: string,
  history: readonly PasswordHistoryEntry[],
  matches: PasswordHistoryMatcher,
  out: PasswordViolation[],
): void {
  const count = policy.historyCount ?? 0;
  if (count === 0) return;
  // Hash checks are slow by design: stop at the first match.
  if (history.slice(0, count).some((entry) => matches(candidate, entry))) {
    const message = count === 1 ? 'is the same as your current password' : `was used in your last ${count} passwords`;
    out.push({ code: 'password.reused', message });
  }
}

function lastChange(history: readonly PasswordHistoryEntry[]): string | undefined {
  let best: { iso: string; ms: number } | undefined;
  for (const entry of history) {
    const ms = entry.changedAt === undefined ? Number.NaN : Date.parse(entry.changedAt);
    if (!Number.isNaN(ms) && (!best || ms > best.ms)) best = { iso: entry.changedAt as string, ms };
  }
  return best?.iso;
}

/**
 * Every violation of `policy` by `candidate` for `user`, in a stable order: length, character
 * classes, profile parts, common passwords, history, minimum age. `history` is the user's
 * passwords newest first, the current one included; the change time of its newest entry
 * drives the minimum-age check. An empty list means the password is acceptable.
 */
export function validatePassword(
  policy: PasswordPolicy,
  user: User,
  candidate: string,
  history: readonly PasswordHistoryEntry[],
  ctx: EvalContext,
  matches: PasswordHistoryMatcher,
): PasswordViolation[] {
  const out: PasswordViolation[] = [];
  checkLength(policy, Array.from(candidate).length, out);
  checkClasses(policy, candidate, out);
  checkUserParts(policy, user, candidate, out);
  if (policy.commonPasswordCheck && isCommonPassword(candidate)) {
    out.push({ code: 'password.common', message: 'is one of the most common passwords' });
  }
  checkHistory(policy, candidate, history, matches, out);
  const change = passwordChangeAllowed(policy, lastChange(history), ctx);
  if (!change.allowed) out.push(change.violation);
  return out;
}

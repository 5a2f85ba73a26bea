// The common-password list is zxcvbn-ts's `passwords-common` dictionary (MIT, ~49,000 entries,
// lowercase, most common first): real published data, plain strings, safe on Workers and in
// the browser. The Set is built on first use so modules that never check a password pay nothing
// beyond the package's own import.
import { dictionary } from '@zxcvbn-ts/language-common';

let commonSet: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  commonSet ??= new Set(dictionary['passwords-common']);
  return commonSet;
}

/** How many passwords the list holds. */
export function commonPasswordCount(): number {
  return commonPasswords().size;
}

/** Whether `candidate` is on the list, ignoring case (the list is lowercase). */
export function isCommonPassword(candidate: string): boolean {
  return commonPasswords().has(candidate.toLowerCase());
}

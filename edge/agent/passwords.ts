// Passwords as each directory wants them.
// - OpenLDAP: `userPassword` replaced with a salted SHA-1 (`{SSHA}`), which slapd verifies on bind
//   without any overlay; the plaintext never reaches the directory's storage.
// - Active Directory: `unicodePwd`, which AD only accepts over an encrypted connection (ldaps://
//   or StartTLS; otherwise it answers unwillingToPerform 53). The value is the password wrapped
//   in double quotes and encoded as UTF-16LE. An administrator's reset is one `replace`; a
//   user's own change is a `delete` of the old quoted value and an `add` of the new one in one
//   modify request. AD's own complexity and history policy still apply (constraintViolation 19).
import { createHash, randomBytes } from 'node:crypto';
import { Attribute, Change } from 'ldapts';

export function sshaPassword(password: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

export function verifySsha(password: string, stored: string): boolean {
  if (!stored.startsWith('{SSHA}')) return false;
  const raw = Buffer.from(stored.slice(6), 'base64');
  return sshaPassword(password, raw.subarray(20)) === stored;
}

/** AD's `unicodePwd` value: `"password"` in UTF-16LE. */
export function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

/** True when the connection is encrypted, which AD requires for `unicodePwd`. */
export function encryptedConnection(url: string, startTLS: boolean): boolean {
  return url.startsWith('ldaps://') || startTLS;
}

/** The modify request that sets a password: reset (replace) or, with the old one, a user's change. */
export function adPasswordChanges(password: string, oldPassword?: string): Change[] {
  if (oldPassword === undefined) return [new Change({ operation: 'replace', modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(password)] }) })];
  return [
    new Change({ operation: 'delete', modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(oldPassword)] }) }),
    new Change({ operation: 'add', modification: new Attribute({ type: 'unicodePwd', values: [unicodePwd(password)] }) }),
  ];
}

import { describe, expect, it } from 'vitest';
import { adPasswordChanges, encryptedConnection, sshaPassword, unicodePwd, verifySsha } from './passwords.ts';

describe('AD unicodePwd', () => {
  it('wraps the password in double quotes and encodes it as UTF-16LE', () => {
    const value = unicodePwd('Pässw0rd!');
    expect(value.toString('hex')).toBe(Buffer.from('"Pässw0rd!"', 'utf16le').toString('hex'));
    expect(value.subarray(0, 4)).toEqual(Buffer.from([0x22, 0x00, 0x50, 0x00]));
    expect(value.subarray(-2)).toEqual(Buffer.from([0x22, 0x00]));
    expect(value.length).toBe(2 * '"Pässw0rd!"'.length);
  });
  it('resets with one replace, and a user change deletes the old value and adds the new one', () => {
    const reset = adPasswordChanges('New1!');
    expect(reset.map((c) => c.operation)).toEqual(['replace']);
    expect(reset[0]?.modification.type).toBe('unicodePwd');
    const change = adPasswordChanges('New1!', 'Old1!');
    expect(change.map((c) => c.operation)).toEqual(['delete', 'add']);
    expect(change[0]?.modification.values[0]).toEqual(unicodePwd('Old1!'));
    expect(change[1]?.modification.values[0]).toEqual(unicodePwd('New1!'));
  });
  it('is only sent over an encrypted connection', () => {
    expect(encryptedConnection('ldap://dc.example.com', false)).toBe(false);
    expect(encryptedConnection('ldap://dc.example.com', true)).toBe(true);
    expect(encryptedConnection('ldaps://dc.example.com', false)).toBe(true);
  });
});

describe('OpenLDAP {SSHA}', () => {
  it('salts, and verifies only the right password', () => {
    const a = sshaPassword('secret');
    expect(a).toMatch(/^\{SSHA\}/);
    expect(sshaPassword('secret')).not.toBe(a);
    expect(verifySsha('secret', a)).toBe(true);
    expect(verifySsha('Secret', a)).toBe(false);
  });
});

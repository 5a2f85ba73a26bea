import { describe, expect, it } from 'vitest';
import { escapeDnValue, escapeFilter, fillTemplate, fromDirectory, sameDn, splitDn, toDirectory } from './mapping.ts';
import { LDAP_CODES, isUnreachable, ldapFailure } from './errors.ts';

describe('directory mapping', () => {
  it('maps Roster attributes to directory names and LDAP strings, leaving out empty values and passwords', () => {
    expect(toDirectory({ login: 'ann', email: 'a@x', active: true, n: 3, tags: ['a', 'b'], gone: null, blank: '', password: 'p' }, { login: 'sAMAccountName', email: 'mail' })).toEqual({
      sAMAccountName: ['ann'],
      mail: ['a@x'],
      active: ['TRUE'],
      n: ['3'],
      tags: ['a', 'b'],
    });
  });
  it('maps entries back, one value as a string, and skips secrets and the DN', () => {
    expect(fromDirectory({ dn: 'cn=a', mail: 'a@x', objectClass: ['top'], userPassword: 'x', member: ['a', 'b'] }, { email: 'mail' })).toEqual({ email: 'a@x', member: ['a', 'b'] });
  });
  it('escapes DN values (RFC 4514) and filter values (RFC 4515)', () => {
    expect(escapeDnValue('Lee, Ann + co')).toBe('Lee\\, Ann \\+ co');
    expect(escapeDnValue('#1 ')).toBe('\\#1\\ ');
    expect(escapeFilter('a*(b)\\')).toBe('a\\2a\\28b\\29\\5c');
  });
  it('fills DN templates and names a missing attribute', () => {
    expect(fillTemplate('cn={cn}', { cn: ['Lee, Ann'] })).toEqual({ ok: true, value: 'cn=Lee\\, Ann' });
    expect(fillTemplate('ou={ou}', {})).toEqual({ ok: false, error: 'dn template `ou={ou}` needs `ou`, which the entry has no value for' });
  });
  it('splits DNs at the first unescaped comma and compares them loosely', () => {
    expect(splitDn('cn=Lee\\, Ann,ou=people,dc=x')).toEqual(['cn=Lee\\, Ann', 'ou=people,dc=x']);
    expect(sameDn('OU=People, DC=x', 'ou=people,dc=x')).toBe(true);
  });
});

describe('LDAP error classification', () => {
  it('names the four per-action errors and never retries them', () => {
    for (const [code, name] of [[32, 'noSuchObject'], [19, 'constraintViolation'], [68, 'entryAlreadyExists'], [34, 'invalidDNSyntax']] as const) {
      expect(LDAP_CODES[code]).toEqual({ name, retryable: false });
      const failure = ldapFailure(Object.assign(new Error('boom'), { code }), 'add `cn=x`');
      expect(failure).toEqual({ ok: false, error: `add \`cn=x\`: ldap ${code} ${name}: boom`, retryable: false, ldapCode: code });
    }
  });
  it('retries busy and unavailable, and treats socket errors as an unreachable directory', () => {
    expect(ldapFailure(Object.assign(new Error('busy'), { code: 51 }), 'x')).toMatchObject({ retryable: true, ldapCode: 51 });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:389'), { code: 'ECONNREFUSED' });
    expect(isUnreachable(refused)).toBe(true);
    expect(ldapFailure(refused, 'bind')).toMatchObject({ retryable: true, unreachable: true });
  });
});

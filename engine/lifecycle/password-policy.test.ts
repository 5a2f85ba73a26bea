import { describe, expect, it } from 'vitest';
import { makeContext } from '../context.ts';
import {
  passwordChangeAllowed,
  passwordExpired,
  passwordPolicySchema,
  policyAppliesToGroups,
  selectPasswordPolicy,
} from './password-policy.ts';

describe('passwordPolicySchema', () => {
  const valid = {
    kind: 'password-policy',
    id: 'admins',
    priority: 50,
    when: { all: [{ fact: 'department', operator: 'equal', value: 'IT' }] },
    groups: ['admins'],
    minLength: 14,
    maxLength: 128,
    require: { lowercase: true, uppercase: true, digit: true, symbol: true },
    minClasses: 3,
    excludeUsernameParts: ['login', 'lastName'],
    historyCount: 5,
    minAgeMinutes: 60,
    maxAgeDays: 90,
    commonPasswordCheck: true,
  };

  it('accepts a complete policy document', () => {
    const parsed = passwordPolicySchema.safeParse(valid);
    expect(parsed.success).toBe(true);
  });

  it('rejects unknown keys at the top level and inside require', () => {
    const top = passwordPolicySchema.safeParse({ ...valid, minLenght: 3 });
    expect(top.success).toBe(false);
    expect(top.error?.issues[0]?.code).toBe('unrecognized_keys');
    const nested = passwordPolicySchema.safeParse({ ...valid, require: { digits: true } });
    expect(nested.success).toBe(false);
    expect(nested.error?.issues[0]?.path).toEqual(['require']);
  });

  it('rejects a wrong kind, a missing id, bad numbers and unknown name parts', () => {
    expect(passwordPolicySchema.safeParse({ ...valid, kind: 'assignment' }).success).toBe(false);
    const { id: _id, ...noId } = valid;
    expect(passwordPolicySchema.safeParse(noId).success).toBe(false);
    expect(passwordPolicySchema.safeParse({ ...valid, minLength: 0 }).success).toBe(false);
    expect(passwordPolicySchema.safeParse({ ...valid, minClasses: 5 }).success).toBe(false);
    expect(passwordPolicySchema.safeParse({ ...valid, historyCount: 2.5 }).success).toBe(false);
    expect(passwordPolicySchema.safeParse({ ...valid, excludeUsernameParts: ['nickname'] }).success).toBe(false);
  });

  it('reports maxLength below minLength on maxLength', () => {
    const parsed = passwordPolicySchema.safeParse({ ...valid, minLength: 20, maxLength: 10 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['maxLength']);
    expect(parsed.error?.issues[0]?.message).toBe('maxLength `10` is below minLength `20`');
  });

  it('accepts a minimal document', () => {
    expect(passwordPolicySchema.safeParse({ kind: 'password-policy', id: 'default' }).success).toBe(true);
  });
});

describe('selectPasswordPolicy', () => {
  const policies = [
    { id: 'default', priority: 0 },
    { id: 'b-admins', priority: 100, groups: ['admins'] },
    { id: 'a-admins', priority: 100, groups: ['admins'] },
    { id: 'contractors', priority: 50, groups: ['contractors'] },
  ];

  it('takes the highest priority match, ties broken by id', () => {
    const chosen = selectPasswordPolicy(policies, (p) => policyAppliesToGroups(p, ['admins', 'contractors']));
    expect(chosen?.id).toBe('a-admins');
  });

  it('falls through to lower priorities and to the catch-all', () => {
    expect(selectPasswordPolicy(policies, (p) => policyAppliesToGroups(p, ['contractors']))?.id).toBe('contractors');
    expect(selectPasswordPolicy(policies, (p) => policyAppliesToGroups(p, []))?.id).toBe('default');
  });

  it('returns undefined when nothing matches and leaves the input order alone', () => {
    const input = [...policies];
    expect(selectPasswordPolicy(input, () => false)).toBeUndefined();
    expect(input.map((p) => p.id)).toEqual(policies.map((p) => p.id));
  });

  it('treats a missing priority as 0', () => {
    expect(selectPasswordPolicy([{ id: 'x' }, { id: 'y', priority: 1 }], () => true)?.id).toBe('y');
  });
});

describe('password age', () => {
  const policy = { minAgeMinutes: 60, maxAgeDays: 90 };

  it('blocks a change inside the minimum age and says when it becomes possible', () => {
    const decision = passwordChangeAllowed(policy, '2026-03-01T10:00:00Z', makeContext('2026-03-01T10:15:00Z'));
    expect(decision).toEqual({
      allowed: false,
      allowedAt: '2026-03-01T11:00:00.000Z',
      violation: { code: 'password.too-soon', message: 'was changed too recently: it can be changed again in 45 minutes' },
    });
  });

  it('allows a change exactly at and after the minimum age, and when the last change is unknown', () => {
    expect(passwordChangeAllowed(policy, '2026-03-01T10:00:00Z', makeContext('2026-03-01T11:00:00Z')).allowed).toBe(true);
    expect(passwordChangeAllowed(policy, undefined, makeContext('2026-03-01T11:00:00Z')).allowed).toBe(true);
    expect(passwordChangeAllowed(policy, 'yesterday', makeContext('2026-03-01T11:00:00Z')).allowed).toBe(true);
    expect(passwordChangeAllowed({}, '2026-03-01T10:59:00Z', makeContext('2026-03-01T11:00:00Z')).allowed).toBe(true);
  });

  it('phrases long waits in hours', () => {
    const decision = passwordChangeAllowed({ minAgeMinutes: 1440 }, '2026-03-01T10:00:00Z', makeContext('2026-03-01T11:00:00Z'));
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.violation.message).toBe('was changed too recently: it can be changed again in 23 hours');
  });

  it('expires a password exactly maxAgeDays after the change', () => {
    const changed = '2026-01-01T00:00:00Z';
    expect(passwordExpired(policy, changed, makeContext('2026-03-31T23:59:59Z'))).toEqual({ expired: false, expiresAt: '2026-04-01T00:00:00.000Z' });
    expect(passwordExpired(policy, changed, makeContext('2026-04-01T00:00:00Z'))).toEqual({ expired: true, expiresAt: '2026-04-01T00:00:00.000Z' });
  });

  it('never expires without a maximum age or a known change', () => {
    expect(passwordExpired({}, '2000-01-01T00:00:00Z', makeContext('2026-04-01T00:00:00Z'))).toEqual({ expired: false });
    expect(passwordExpired(policy, undefined, makeContext('2026-04-01T00:00:00Z'))).toEqual({ expired: false });
  });
});

import { describe, expect, it } from 'vitest';
import { makeContext } from '../context.ts';
import { applyOverride, expiredOverrides, indexOverrides, overridesSchema, overrideSchema, resolveOverride } from './overrides.ts';
import type { Override } from './overrides.ts';

const ctx = makeContext('2026-06-01T00:00:00Z');

const allowAda: Override = { id: 'o-1', userId: 'ada', appId: 'github', effect: 'allow', reason: 'conference demo', role: 'admin' };
const denyAda: Override = { id: 'o-2', userId: 'ada', appId: 'github', effect: 'deny', reason: 'security hold', expiresAt: '2026-07-01T00:00:00Z' };
const expiredDenyBob: Override = { id: 'o-3', userId: 'bob', appId: 'github', effect: 'deny', reason: 'leave', expiresAt: '2026-06-01T00:00:00Z' };
const allowBob: Override = { id: 'o-4', userId: 'bob', appId: 'github', effect: 'allow', reason: 'contractor extension', expiresAt: '2026-06-01T00:00:01Z' };
const all = [allowAda, denyAda, expiredDenyBob, allowBob];

describe('resolveOverride', () => {
  it('lets a deny beat an allow for the same user and app', () => {
    expect(resolveOverride(all, 'ada', 'github', ctx)).toEqual({ effect: 'deny', override: denyAda });
  });

  it('stops applying an override at its expiry, exactly', () => {
    expect(resolveOverride(all, 'bob', 'github', ctx)).toEqual({ effect: 'allow', override: allowBob });
    expect(resolveOverride(all, 'bob', 'github', makeContext('2026-06-01T00:00:01Z'))).toEqual({ effect: 'none' });
    expect(resolveOverride(all, 'ada', 'github', makeContext('2026-07-01T00:00:00Z'))).toEqual({ effect: 'allow', override: allowAda });
  });

  it('matches on both user and app', () => {
    expect(resolveOverride(all, 'ada', 'jira', ctx)).toEqual({ effect: 'none' });
    expect(resolveOverride(all, 'carol', 'github', ctx)).toEqual({ effect: 'none' });
  });

  it('gives the same answers from an index', () => {
    const index = indexOverrides(all);
    for (const user of ['ada', 'bob', 'carol']) {
      for (const at of ['2026-06-01T00:00:00Z', '2026-06-01T00:00:01Z', '2026-07-02T00:00:00Z']) {
        expect(resolveOverride(index, user, 'github', makeContext(at))).toEqual(resolveOverride(all, user, 'github', makeContext(at)));
      }
    }
  });

  it('picks among several of the same effect by id, whatever the input order', () => {
    const a: Override = { id: 'a', userId: 'u', appId: 'x', effect: 'deny', reason: 'one' };
    const b: Override = { id: 'b', userId: 'u', appId: 'x', effect: 'deny', reason: 'two' };
    expect(resolveOverride([b, a], 'u', 'x', ctx).override?.id).toBe('a');
  });

  it('lists expired overrides', () => {
    expect(expiredOverrides(all, ctx).map((o) => o.id)).toEqual(['o-3']);
  });
});

describe('applyOverride: deny > allow > rules', () => {
  it('a deny removes an app the rules assign', () => {
    expect(applyOverride({ assigned: true, role: 'developer' }, resolveOverride(all, 'ada', 'github', ctx))).toEqual({
      assigned: false,
      decidedBy: 'override',
      override: denyAda,
    });
  });

  it('an allow grants an app the rules do not, with its own role', () => {
    const later = makeContext('2026-08-01T00:00:00Z');
    expect(applyOverride({ assigned: false }, resolveOverride(all, 'ada', 'github', later))).toEqual({
      assigned: true,
      decidedBy: 'override',
      override: allowAda,
      role: 'admin',
    });
  });

  it('an allow without a role keeps the rule role', () => {
    expect(applyOverride({ assigned: true, role: 'developer' }, resolveOverride(all, 'bob', 'github', ctx))).toMatchObject({
      assigned: true,
      role: 'developer',
      decidedBy: 'override',
    });
  });

  it('no override leaves the rules in charge', () => {
    expect(applyOverride({ assigned: true, role: 'viewer' }, { effect: 'none' })).toEqual({ assigned: true, decidedBy: 'rules', role: 'viewer' });
    expect(applyOverride({ assigned: false }, { effect: 'none' })).toEqual({ assigned: false, decidedBy: 'rules' });
  });
});

describe('overrideSchema', () => {
  it('accepts well-formed overrides', () => {
    expect(overridesSchema.safeParse(all).success).toBe(true);
    expect(overrideSchema.safeParse({ ...denyAda, expiresAt: '2026-07-01T10:00:00+10:00' }).success).toBe(true);
  });

  it('rejects unknown keys, bad effects, missing reasons and unreadable expiries', () => {
    expect(overrideSchema.safeParse({ ...allowAda, note: 'x' }).success).toBe(false);
    expect(overrideSchema.safeParse({ ...allowAda, effect: 'maybe' }).success).toBe(false);
    expect(overrideSchema.safeParse({ ...allowAda, reason: '  ' }).success).toBe(false);
    expect(overrideSchema.safeParse({ ...allowAda, expiresAt: 'next friday' }).success).toBe(false);
    const { reason: _r, ...noReason } = allowAda;
    expect(overrideSchema.safeParse(noReason).success).toBe(false);
  });

  it('rejects a role on a deny, and duplicate ids', () => {
    const r = overrideSchema.safeParse({ ...denyAda, role: 'admin' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['role']);
    const d = overridesSchema.safeParse([allowAda, { ...denyAda, id: 'o-1' }]);
    expect(d.success).toBe(false);
    expect(d.error?.issues[0]?.message).toBe('duplicate override id `o-1`');
  });
});

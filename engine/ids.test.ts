import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashJson } from './hash.ts';
import { actionId } from './ids.ts';
import type { ActionPayload } from './ids.ts';

describe('actionId', () => {
  const create = { type: 'account.create' as const, userId: 'u1', appId: 'github', role: 'developer', attributes: { login: 'ada', email: 'a@x.io' } };

  it('is the same for the same action, whatever the key order', () => {
    const reordered = { attributes: { email: 'a@x.io', login: 'ada' }, role: 'developer', appId: 'github', userId: 'u1', type: 'account.create' as const };
    expect(actionId(reordered)).toBe(actionId(create));
    expect(actionId(create)).toMatch(/^[0-9a-f]{20}$/);
  });

  it('differs when what the action does differs', () => {
    const ids = new Set([
      actionId(create),
      actionId({ ...create, type: 'account.update' }),
      actionId({ ...create, userId: 'u2' }),
      actionId({ ...create, appId: 'gitlab' }),
      actionId({ ...create, role: 'maintainer' }),
      actionId({ ...create, attributes: { login: 'ada2', email: 'a@x.io' } }),
      actionId({ type: 'membership.add', userId: 'u1', groupId: 'github' }),
    ]);
    expect(ids.size).toBe(7);
  });
});

// Ids are the dispatch idempotency key: a change of hashing or canonical JSON that moved any
// of these would make every pending action look new. Values computed before any optimisation.
describe('actionId stays the same value', () => {
  it.each([
    ['7bb07a347a91b38b6dff', { type: 'account.create', userId: 'u1', appId: 'github', role: 'developer', attributes: { login: 'ada', email: 'a@x.io' } }],
    [
      'dce053f8143f61b1446b',
      {
        type: 'account.create',
        userId: 'e1042',
        appId: 'corp-ldap',
        attributes: { uid: 'jonas.müller', cn: 'Jonas Müller', sn: 'Müller', givenName: 'Jonas', mail: 'jonas.muller@acme.example', ou: 'Engineering', employeeType: 'FTE' },
        notBefore: '2026-07-01T00:00:00.000Z',
      },
    ],
    ['1958419719c643bf3645', { type: 'account.update', userId: 'u1', appId: 'slack', changes: { title: { from: undefined, to: 'Engineer' }, email: { from: 'a@x.io', to: 'b@x.io' } } }],
    ['0a0abcf6d71f68b7f8d0', { type: 'membership.add', userId: 'u2', groupId: 'engineering' }],
    [
      '7c704eccb073ecf13913',
      {
        type: 'account.create',
        userId: 'u3',
        appId: 'x',
        attributes: { n: 3, f: 2.5, b: true, z: null, list: ['b', 'a', { y: 1, x: [] }], nested: { k: '"quoted"\n\u2028😀', a: {} }, '': 'empty key', é: 1, Z: 2, '10': 'ten', '2': 'two' },
      },
    ],
    ['a5caf352b8fb494f1bd6', { type: 'task.manual', userId: 'u4', appId: 'badge-office', attributes: { big: 1e21, neg: -0, small: 1e-7 } }],
  ] as [string, ActionPayload][])('%s', (id, payload) => {
    expect(actionId(payload)).toBe(id);
  });
});

describe('actionId is the hash of the canonical JSON of what the action does', () => {
  it('for any payload, written in any key order', () => {
    const anyValue = fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withSparseArray: true, stringUnit: 'binary' });
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
    const payload = fc.record({
      type: fc.constantFrom('account.create', 'account.update', 'membership.add', 'task.manual'),
      userId: optional(fc.string({ unit: 'binary' })),
      groupId: optional(fc.string()),
      appId: optional(fc.string()),
      role: optional(fc.string()),
      attributes: optional(fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), anyValue, { maxKeys: 6 })),
      changes: optional(fc.dictionary(fc.string(), fc.record({ from: anyValue, to: anyValue }))),
      notBefore: optional(fc.string()),
    }) as fc.Arbitrary<ActionPayload>;
    fc.assert(
      fc.property(payload, (p) => {
        const expected = hashJson({ type: p.type, userId: p.userId, groupId: p.groupId, appId: p.appId, role: p.role, attributes: p.attributes, changes: p.changes, notBefore: p.notBefore }).slice(0, 20);
        expect(actionId(p)).toBe(expected);
        expect(actionId(Object.fromEntries(Object.entries(p).reverse()) as ActionPayload)).toBe(expected);
      }),
      { numRuns: 1000, seed: 21 },
    );
  });
});

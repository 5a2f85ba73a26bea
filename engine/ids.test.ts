import { describe, expect, it } from 'vitest';
import { actionId } from './ids.ts';

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

import { describe, expect, it } from 'vitest';
import { correlate } from './correlate.ts';

const account = (externalId: string, attributes: Record<string, string>, active = true) => ({ externalId, attributes, active });
const identities = [
  { id: 'ann', attributes: { login: 'ann', email: 'ann@example.com' } },
  { id: 'bo', attributes: { login: 'bo', email: 'shared@example.com' } },
  { id: 'cy', attributes: { login: 'cy', email: 'shared@example.com' } },
  { id: 'dee', attributes: { login: 'dee', email: 'dee@example.com' } },
];
const rules = [
  { user: 'email', app: 'email' },
  { user: 'login', app: 'userName' },
];

describe('correlate', () => {
  it('names each situation: linked, unlinked (by the first rule that matches), disputed, unmatched, deleted', () => {
    const result = correlate(
      [
        account('x1', { userName: 'dee', email: 'dee@example.com' }),
        account('x2', { userName: 'someone', email: 'ANN@example.com' }),
        account('x3', { userName: 'nobody', email: 'shared@example.com' }),
        account('x4', { userName: 'ghost', email: 'ghost@example.com' }),
        account('x5', { userName: 'cy' }),
      ],
      identities,
      [
        { userId: 'dee', externalId: 'x1' },
        { userId: 'eve', externalId: 'x9' },
      ],
      rules,
    );
    expect(result.map((r) => [r.externalId, r.situation, r.candidates, r.matchedBy])).toEqual([
      ['x1', 'linked', ['dee'], undefined],
      ['x2', 'unlinked', ['ann'], 'email = email'],
      ['x3', 'disputed', ['bo', 'cy'], 'email = email'],
      ['x4', 'unmatched', [], undefined],
      ['x5', 'unlinked', ['cy'], 'login = userName'],
      ['x9', 'deleted', ['eve'], undefined],
    ]);
  });

  it('a match to an identity already linked to another account is disputed, not linked twice', () => {
    const result = correlate([account('x2', { email: 'ann@example.com' })], identities, [{ userId: 'ann', externalId: 'x1' }], rules);
    expect(result.find((r) => r.externalId === 'x2')).toMatchObject({ situation: 'disputed', candidates: ['ann'] });
  });
});

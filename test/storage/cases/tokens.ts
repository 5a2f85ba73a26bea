import { describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken, verifyToken } from '../../../edge/auth/tokens.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

export function tokenCases(makeDb: MakeDb): void {
  describe('tokens', () => {
    it('verifies a token, refuses a guessed or revoked one, and never lists hashes', async () => {
      const db = await freshDb(makeDb);
      const admin = await createToken(db, { scope: 'admin', name: 'ops' }, at());
      const scim = await createToken(db, { scope: 'scim', sourceId: 'okta' }, at(1));
      expect(await verifyToken(db, admin.token, at(5).at)).toMatchObject({ ok: true, value: { id: admin.info.id, scope: 'admin', lastUsedAt: at(5).at } });
      expect(await verifyToken(db, scim.token)).toMatchObject({ ok: true, value: { scope: 'scim', sourceId: 'okta' } });
      const guessed = `${admin.token.slice(0, -1)}${admin.token.endsWith('A') ? 'B' : 'A'}`;
      expect(await verifyToken(db, guessed)).toMatchObject({ ok: false, code: 'unknown' });
      expect(await revokeToken(db, admin.info.id, at(6))).toMatchObject({ ok: true, value: { revokedAt: at(6).at } });
      expect(await verifyToken(db, admin.token)).toMatchObject({ ok: false, code: 'revoked' });
      expect(await revokeToken(db, admin.info.id, at(7))).toMatchObject({ ok: false, code: 'already_revoked' });
      expect(await revokeToken(db, 'tok_nope', at(7))).toMatchObject({ ok: false, code: 'not_found' });
      const listed = await listTokens(db);
      expect(listed.map((t) => [t.name, t.scope, t.revokedAt])).toEqual([['ops', 'admin', at(6).at], ['scim token', 'scim', null]]);
      expect(JSON.stringify(listed)).not.toMatch(/hash|rst_/);
    });
  });
}

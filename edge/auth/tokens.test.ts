import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { createToken, timingSafeEqual, verifyToken } from './tokens.ts';

const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
let db: LibsqlDb | undefined;
afterEach(() => db?.$client.close());

describe('tokens', () => {
  it('shows the plaintext once and stores only its sha256, nowhere else', async () => {
    db = await openLibsql({ url: ':memory:' });
    await migrate(db);
    const { token, info } = await createToken(db, { scope: 'scim', name: 'workday', sourceId: 'workday' }, ctx);
    expect(token).toMatch(/^rst_scim_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ scope: 'scim', name: 'workday', sourceId: 'workday' });
    expect(info).not.toHaveProperty('hash');
    const dump = JSON.stringify([await db.all(sql`SELECT * FROM tokens`), await db.all(sql`SELECT * FROM audit_events`)]);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(9));
    expect((await verifyToken(db, token)).ok).toBe(true);
  });

  it('two tokens are never alike', async () => {
    db = await openLibsql({ url: ':memory:' });
    await migrate(db);
    const a = await createToken(db, { scope: 'admin' }, ctx);
    const b = await createToken(db, { scope: 'admin' }, ctx);
    expect(a.token).not.toBe(b.token);
    expect(a.info.id).not.toBe(b.info.id);
  });

  it('rejects what is not a roster token before touching the database', async () => {
    db = await openLibsql({ url: ':memory:' });
    // Not migrated: a lookup would throw, so these prove no query ran.
    for (const bad of ['', 'Bearer x', 'rst_admin_short', `rst_root_${'a'.repeat(43)}`, `rst_admin_${'a'.repeat(42)}!`]) {
      expect(await verifyToken(db, bad)).toMatchObject({ ok: false, code: 'malformed' });
    }
  });

  it('compares equal-length strings fully and different lengths as unequal', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });
});

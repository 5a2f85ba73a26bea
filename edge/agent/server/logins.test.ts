// Delegated logins held in the database: the password waits sealed, is cleared when an agent
// takes it, only one poll gets each login, and the row is gone once the asker has its answer
// (or gave up). Over libSQL in memory; test/ldap/delegated.test.ts does it with a real slapd.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibsql } from '../../db/libsql.ts';
import type { LibsqlDb } from '../../db/libsql.ts';
import { migrate } from '../../db/migrate.ts';
import { delegatedLogins } from '../../db/schema.ts';
import { generateSealKey } from '../../services/passwords.ts';
import { answerLogin, requestLogin, takeLogins } from './logins.ts';

let db: LibsqlDb;
let key: CryptoKey;
const now = () => new Date().toISOString();
const rows = () => db.select().from(delegatedLogins);
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
};

beforeEach(async () => {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  key = await generateSealKey();
});
afterEach(() => db.$client.close());

describe('delegated logins in the database', () => {
  it('seals the password while it waits, clears it when an agent takes it, and deletes the row after the answer', async () => {
    const asked = requestLogin(db, { appId: 'dir', id: 'l1', username: 'ann', password: 'S3cret-pass' }, { sealKey: key, now, timeoutMs: 5000, pollMs: 10 });
    await until(async () => (await rows()).length > 0);
    const [waiting] = await rows();
    expect(waiting).toMatchObject({ id: 'l1', appId: 'dir', username: 'ann', status: 'pending', answer: null });
    expect(waiting?.sealedPassword).toMatch(/^v1\./);
    expect(JSON.stringify(waiting)).not.toContain('S3cret-pass');

    expect(await takeLogins(db, key, 'other-app', now())).toEqual([]);
    expect(await takeLogins(db, key, 'dir', now())).toEqual([{ id: 'l1', username: 'ann', password: 'S3cret-pass' }]);
    expect(await takeLogins(db, key, 'dir', now())).toEqual([]); // a second poll gets nothing
    const [taken] = await rows();
    expect(taken).toMatchObject({ status: 'taken', sealedPassword: null });

    expect(await answerLogin(db, 'other-app', 'l1', { ok: true })).toBe(false);
    expect(await answerLogin(db, 'dir', 'l1', { ok: true, entry: { mail: 'ann@example.com' } })).toBe(true);
    expect(await asked).toEqual({ ok: true, entry: { mail: 'ann@example.com' } });
    expect(await rows()).toEqual([]);
    expect(await answerLogin(db, 'dir', 'l1', { ok: true })).toBe(false);
  });

  it('gives up after the timeout, leaving no row; an agent that answers late is told no login waits', async () => {
    const started = Date.now();
    expect(await requestLogin(db, { appId: 'dir', id: 'l2', username: 'bo', password: 'x' }, { sealKey: key, now, timeoutMs: 150, pollMs: 10 })).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await rows()).toEqual([]);
    expect(await answerLogin(db, 'dir', 'l2', { ok: true })).toBe(false);
  });

  it('never hands out an expired login, and the next login sweeps it', async () => {
    await db.insert(delegatedLogins).values({ id: 'old', appId: 'dir', username: 'cy', sealedPassword: 'v1.x.y', status: 'pending', answer: null, createdAt: '2020-01-01T00:00:00.000Z', expiresAt: '2020-01-01T00:00:10.000Z' });
    expect(await takeLogins(db, key, 'dir', now())).toEqual([]);
    const asked = requestLogin(db, { appId: 'dir', id: 'l3', username: 'di', password: 'y' }, { sealKey: key, now, timeoutMs: 50, pollMs: 10 });
    await asked;
    expect(await db.select().from(delegatedLogins).where(eq(delegatedLogins.id, 'old'))).toEqual([]);
  });

  it('answers a login sealed under another key as an error (the asker sees the directory as unavailable)', async () => {
    const asked = requestLogin(db, { appId: 'dir', id: 'l4', username: 'ed', password: 'z' }, { sealKey: key, now, timeoutMs: 5000, pollMs: 10 });
    await until(async () => (await rows()).length > 0);
    expect(await takeLogins(db, await generateSealKey(), 'dir', now())).toEqual([]);
    expect(await asked).toMatchObject({ ok: false, error: expect.stringMatching(/unsealed/) });
  });
});

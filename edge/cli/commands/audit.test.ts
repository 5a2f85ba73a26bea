import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../audit/chain.ts';
import { openLibsql } from '../../db/libsql.ts';
import { migrate } from '../../db/migrate.ts';
import type { CliIo } from '../command.ts';
import { main } from '../main.ts';

let dir: string;
let url: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-audit-'));
  url = `file:${join(dir, 'roster.db')}`;
  await withDb(async (db) => {
    await migrate(db);
    for (let i = 1; i <= 4; i++) await appendAudit(db, { at: `2025-01-0${i}T00:00:00.000Z`, actor: 'test', type: 'test.event', data: { i } });
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function withDb(use: (db: Awaited<ReturnType<typeof openLibsql>>) => Promise<void>): Promise<void> {
  const db = await openLibsql({ url });
  try {
    await use(db);
  } finally {
    db.$client.close();
  }
}

async function verify(...extra: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), now: () => new Date('2025-03-01T00:00:00Z'), cwd: dir };
  return { code: await main(['audit', 'verify', '--db', url, ...extra], io), out, err };
}

describe('roster audit verify', () => {
  it('prints ok with the head, and exits 0', async () => {
    const result = await verify();
    expect(result.code).toBe(0);
    expect(result.out[0]).toMatch(/^audit log ok: 4 rows, head 4:[0-9a-f]{64}$/);
  });

  it('names an edited row and exits 1', async () => {
    await withDb(async (db) => void (await db.run(sql`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`)));
    expect(await verify()).toMatchObject({ code: 1, out: ['audit log broken at row 2 (edited): row 2 does not match its hash (edited); 1 row before it verified'] });
  });

  it('names a row whose data was edited into text that is not JSON, instead of failing with an internal error', async () => {
    await withDb(async (db) => void (await db.run(sql`UPDATE audit_events SET data = '{"i": 2' WHERE seq = 3`)));
    expect(await verify()).toMatchObject({ code: 1, out: ['audit log broken at row 3 (edited): row 3 holds data that is not a JSON object (edited); 2 rows before it verified'], err: [] });
  });

  it('names a row inserted before row 1', async () => {
    await withDb(async (db) => void (await db.run(sql`INSERT INTO audit_events VALUES (0, '2025-01-01T00:00:00.000Z', 'mallory', 'test.event', NULL, '{}', 'x', 'y')`)));
    expect(await verify()).toMatchObject({ code: 1, out: ['audit log broken at row 0 (inserted): row 0 is before row 1, where the chain starts (inserted or renumbered); 0 rows before it verified'] });
  });

  it('names a deleted row', async () => {
    await withDb(async (db) => void (await db.run(sql`DELETE FROM audit_events WHERE seq = 3`)));
    const result = await verify();
    expect(result.code).toBe(1);
    expect(result.out[0]).toContain('row 3 (deleted)');
  });

  it('finds rows cut from the end against an anchor', async () => {
    const head = /head (\S+)$/.exec((await verify()).out[0] ?? '')?.[1] ?? '';
    await withDb(async (db) => void (await db.run(sql`DELETE FROM audit_events WHERE seq = 4`)));
    expect((await verify()).code).toBe(0);
    const anchored = await verify('--anchor', head);
    expect(anchored.code).toBe(1);
    expect(anchored.out[0]).toContain('(truncated)');
    expect((await verify('--anchor', 'nope')).err[0]).toContain('must be SEQ:HASH');
  });

  it('records the head in an anchor file and finds rows cut from the end on the next run, leaving the file as it was', async () => {
    const file = join(dir, 'audit.head');
    const first = await verify('--anchor-file', file);
    expect(first.code).toBe(0);
    const head = readFileSync(file, 'utf8');
    expect(head).toMatch(/^4:[0-9a-f]{64}\n$/);
    expect(first.out[0]).toBe(`audit log ok: 4 rows, head ${head.trim()}; recorded in ${file}`);
    await withDb(async (db) => void (await db.run(sql`DELETE FROM audit_events WHERE seq >= 3`)));
    expect(await verify('--anchor-file', file)).toMatchObject({ code: 1, out: ['audit log broken at row 3 (truncated): rows 3 to 4 are missing at the end (deleted); 2 rows before it verified'] });
    expect(readFileSync(file, 'utf8')).toBe(head);
  });

  it('moves the anchor file on as the log grows', async () => {
    const file = join(dir, 'audit.head');
    expect((await verify('--anchor-file', file)).code).toBe(0);
    await withDb(async (db) => appendAudit(db, { at: '2025-01-05T00:00:00.000Z', actor: 'test', type: 'test.event' }));
    expect((await verify('--anchor-file', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^5:/);
  });

  it('names a bad anchor file, and refuses both anchors at once, without writing', async () => {
    const file = join(dir, 'audit.head');
    writeFileSync(file, 'garbage\n');
    expect(await verify('--anchor-file', file)).toMatchObject({ code: 2, err: [`roster: audit verify: anchor file \`${file}\` must be SEQ:HASH as printed by \`roster audit verify\`, got \`garbage\``] });
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
    expect((await verify('--anchor-file', file, '--anchor', '1:x')).err).toEqual(['roster: audit verify: give `--anchor` or `--anchor-file`, not both']);
    expect((await verify('--anchor-file', join(dir, 'no', 'such', 'dir'))).err[0]).toMatch(/^roster: audit verify: the log is ok but anchor file `.*` cannot be written: ENOENT$/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});

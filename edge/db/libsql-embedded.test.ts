// The embedded client against a real libSQL file: rows shaped as @libsql/client shapes them,
// batches atomic, statements kept prepared yet correct after the schema changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, LibsqlBatchError, LibsqlError } from '@libsql/client';
import type { Client } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmbedded } from './libsql-embedded.ts';

let dir: string;
let client: Client;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roster-embedded-'));
  client = openEmbedded(join(dir, 'db'));
  await client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, flag INTEGER, data BLOB)');
});

afterEach(() => {
  client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded libSQL client', () => {
  it('returns rows by name and by index, as @libsql/client does', async () => {
    await client.execute({ sql: 'INSERT INTO t (name, flag, data) VALUES (?, ?, ?)', args: ['a', true, new Uint8Array([1, 2, 3]).buffer] });
    await client.execute({ sql: 'INSERT INTO t (name, flag) VALUES (:name, :flag)', args: { name: 'b', flag: false } });
    const sql = 'SELECT id, name, flag, data, name AS name FROM t ORDER BY id';
    const ours = await client.execute(sql);
    const theirs = createClient({ url: `file:${join(dir, 'db')}` });
    try {
      const reference = await theirs.execute(sql);
      expect(ours.columns).toEqual(reference.columns);
      expect(ours.columnTypes).toEqual(reference.columnTypes);
      expect(ours.rows.map((r) => ({ ...r }))).toEqual(reference.rows.map((r) => ({ ...r })));
      expect(ours.rows.map((r) => Array.prototype.slice.call(r))).toEqual(reference.rows.map((r) => Array.prototype.slice.call(r)));
      expect(Object.keys(ours.rows[0] as object)).toEqual(['id', 'name', 'flag', 'data']);
      expect(JSON.stringify(ours.rows[1])).toBe(JSON.stringify(reference.rows[1]));
      expect(JSON.stringify(ours)).toBe(JSON.stringify(reference));
    } finally {
      theirs.close();
    }
    expect(ours.rows[0]?.length).toBe(5);
    expect(new Uint8Array(ours.rows[0]?.data as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    expect(ours.rows[1]?.[2]).toBe(0);
  });

  it('reports changes and the last rowid of a write', async () => {
    const inserted = await client.execute({ sql: 'INSERT INTO t (name) VALUES (?), (?)', args: ['a', 'b'] });
    expect(inserted.rowsAffected).toBe(2);
    expect(inserted.lastInsertRowid).toBe(2n);
    const updated = await client.execute("UPDATE t SET flag = 1 WHERE name = 'a'");
    expect(updated.rowsAffected).toBe(1);
  });

  it('refuses an integer it cannot return exactly, and bad arguments, with a clear error', async () => {
    await client.execute({ sql: 'INSERT INTO t (id, name) VALUES (?, ?)', args: [2n ** 60n, 'big'] });
    await expect(client.execute('SELECT id FROM t')).rejects.toThrow(/cannot be safely represented/);
    await expect(client.execute({ sql: 'SELECT ?', args: [undefined as never] })).rejects.toThrow(/undefined cannot be passed/);
    await expect(client.execute({ sql: 'SELECT ?', args: [Number.NaN] })).rejects.toThrow(/finite numbers/);
  });

  it('commits a batch whole or not at all, naming the statement that failed', async () => {
    await client.batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: ['a'] }], 'write');
    const failed = client.batch(
      [
        { sql: 'INSERT INTO t (name) VALUES (?)', args: ['b'] },
        { sql: 'INSERT INTO t (name) VALUES (?)', args: ['a'] },
      ],
      'write',
    );
    await expect(failed).rejects.toBeInstanceOf(LibsqlBatchError);
    const error = (await failed.catch((e: unknown) => e)) as LibsqlBatchError;
    expect(error.statementIndex).toBe(1);
    expect(error.code).toBe('SQLITE_CONSTRAINT');
    expect(error.message).toMatch(/UNIQUE constraint failed: t.name/);
    const names = await client.execute('SELECT name FROM t ORDER BY name');
    expect(names.rows.map((r) => r.name)).toEqual(['a']);
    // the connection is usable again, outside any transaction
    await client.batch([{ sql: 'INSERT INTO t (name) VALUES (?)', args: ['c'] }]);
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(2);
    // a statement that ends the transaction ends the batch: what follows it does not run
    const ended = await client.batch(["INSERT INTO t (name) VALUES ('d')", 'ROLLBACK', "INSERT INTO t (name) VALUES ('e')"]).catch((e: unknown) => e);
    expect(ended).toBeInstanceOf(LibsqlBatchError);
    expect((ended as LibsqlBatchError).statementIndex).toBe(2);
    expect((await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n).toBe(2);
  });

  it('keeps statements prepared but reads a table afresh after its schema changes', async () => {
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    expect((await client.execute('SELECT * FROM t')).columns).toEqual(['id', 'name', 'flag', 'data']);
    await client.execute('ALTER TABLE t ADD COLUMN extra TEXT');
    await client.execute("UPDATE t SET extra = 'x'");
    const after = await client.execute('SELECT * FROM t');
    expect(after.columns).toEqual(['id', 'name', 'flag', 'data', 'extra']);
    expect(after.rows[0]?.extra).toBe('x');
  });

  it('sees a column another connection added', async () => {
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    expect((await client.execute('SELECT * FROM t')).rows[0]?.length).toBe(4);
    const other = createClient({ url: `file:${join(dir, 'db')}` });
    try {
      await other.execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'y'");
    } finally {
      other.close();
    }
    const after = await client.execute('SELECT * FROM t');
    expect(after.rows[0]?.extra).toBe('y');
  });

  it('runs a write that returns rows once, even when its columns changed under it', async () => {
    const insert = (name: string) => client.execute({ sql: 'INSERT INTO t (name) VALUES (?) RETURNING *', args: [name] });
    expect((await insert('a')).columns).toEqual(['id', 'name', 'flag', 'data']);
    const other = createClient({ url: `file:${join(dir, 'db')}` });
    try {
      await other.execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'y'");
    } finally {
      other.close();
    }
    const second = await insert('b');
    expect(second.columns).toEqual(['id', 'name', 'flag', 'data', 'extra']);
    expect(second.rows[0]?.extra).toBe('y');
    expect((await client.execute('SELECT name FROM t ORDER BY id')).rows.map((r) => r.name)).toEqual(['a', 'b']);
  });

  it("holds no read open between calls: it sees another connection's rows, which can checkpoint past it", async () => {
    await client.execute('PRAGMA journal_mode=WAL');
    const count = async () => (await client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n;
    await client.execute("INSERT INTO t (name) VALUES ('a')");
    expect(await count()).toBe(1);
    const other = createClient({ url: `file:${join(dir, 'db')}` });
    try {
      await other.execute("INSERT INTO t (name) VALUES ('b')");
      expect(await count()).toBe(2);
      const checkpoint = await other.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      expect(checkpoint.rows[0]?.busy).toBe(0);
    } finally {
      other.close();
    }
  });

  it('maps SQLite errors to LibsqlError and refuses what it does not offer', async () => {
    const error = await client.execute('SELECT * FROM nowhere').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibsqlError);
    expect((error as LibsqlError).code).toBe('SQLITE_ERROR');
    expect((error as Error).message).toMatch(/no such table: nowhere/);
    await expect(client.transaction('write')).rejects.toThrow(/batch\(\)/);
    client.close();
    await expect(client.execute('SELECT 1')).rejects.toThrow(/closed/);
  });
});

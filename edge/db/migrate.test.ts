import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { is, sql } from 'drizzle-orm';
import { SQLiteTable, getTableConfig } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, MIGRATIONS_MODULE, renderMigrationsModule } from './gen-migrations.ts';
import { openLibsql } from './libsql.ts';
import type { LibsqlDb } from './libsql.ts';
import { migrate } from './migrate.ts';
import { migrations as embedded } from './migrations.ts';
import * as schema from './schema.ts';

const opened: LibsqlDb[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.$client.close();
});

async function memory(): Promise<LibsqlDb> {
  const db = await openLibsql({ url: ':memory:' });
  opened.push(db);
  return db;
}

describe('migrate', () => {
  it('migrates a fresh database, and a second run changes nothing', async () => {
    const db = await memory();
    const first = await migrate(db);
    const names = embedded.map((m) => m.name);
    expect(names.slice(0, 2)).toEqual(['0000_init', '0001_scim']);
    expect(first.applied).toEqual(names);
    const second = await migrate(db);
    expect(second).toEqual({ applied: [], skipped: names });
    const rows = await db.all<{ name: string }>(sql`SELECT name FROM __migrations ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it('gives the database every table and column of the schema', async () => {
    const db = await memory();
    await migrate(db);
    for (const table of (Object.values(schema) as unknown[]).filter(isTable)) {
      const config = getTableConfig(table);
      const columns = await db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info(${config.name})`);
      expect(columns.map((c) => c.name).sort(), config.name).toEqual(config.columns.map((c) => c.name).sort());
    }
  });

  it('applies a migration and its record atomically: a failing statement leaves no trace', async () => {
    const db = await memory();
    const broken = [{ name: '0001_broken', statements: ['CREATE TABLE t1 (a text)', 'CREATE TABLE t1 (a text)'] }];
    await expect(migrate(db, broken)).rejects.toThrow();
    const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE name = 't1'`);
    expect(tables).toEqual([]);
    expect(await db.all(sql`SELECT name FROM __migrations`)).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const db = await memory();
    await migrate(db, [{ name: '0001_x', statements: ['CREATE TABLE x (a text)'] }]);
    await expect(migrate(db, [{ name: '0001_x', statements: ['CREATE TABLE x (b text)'] }])).rejects.toThrow(/changed after it was applied/);
  });
});

describe('committed migrations', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('embed exactly the SQL files (edge/db/migrations.ts is regenerated)', () => {
    expect(readFileSync(MIGRATIONS_MODULE, 'utf8')).toBe(renderMigrationsModule());
  });

  it('match the schema: drizzle-kit generate finds nothing to add', () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-migrations-'));
    cpSync(MIGRATIONS_DIR, join(dir, 'out'), { recursive: true });
    const config = join(dir, 'drizzle.config.ts');
    const schemaPath = join(process.cwd(), 'edge/db/schema.ts');
    // drizzle-kit resolves `out` against its working directory: run it in the temp dir.
    writeFileSync(config, `export default { dialect: 'sqlite', schema: ${JSON.stringify(relative(dir, schemaPath))}, out: './out' };\n`);
    const before = readdirSync(join(dir, 'out')).sort();
    const run = spawnSync(join(process.cwd(), 'node_modules/.bin/drizzle-kit'), ['generate', '--config', config], { encoding: 'utf8', cwd: dir });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort(), output).toEqual(before);
    expect(output).toMatch(/no schema changes/i);
  });
});

function isTable(value: unknown): value is SQLiteTable {
  return is(value, SQLiteTable);
}

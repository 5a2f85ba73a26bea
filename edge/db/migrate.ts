// Applies the embedded migrations in order, each with its `__migrations` record in ONE batch
// (atomic on libSQL and D1), so a crash mid-way leaves the database at a migration boundary.
// Idempotent: applied names are skipped; a second runner that loses a race sees the record.
import { sql } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sha256Hex } from '../../engine/hash.ts';
import type { Db } from './index.ts';
import { runBatch } from './index.ts';
import { migrations as embedded } from './migrations.ts';

export interface Migration {
  name: string;
  statements: readonly string[];
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

const TABLE = '__migrations';

// Not in schema.ts, so drizzle-kit never generates it. The record is inserted through the query
// builder: drizzle's D1 batch cannot bind parameters of a raw `sql` statement (it has no
// prepared statement to bind), so a parameterised `db.run(sql\`…\`)` breaks the batch on D1.
const migrationsTable = sqliteTable(TABLE, {
  name: text('name').primaryKey(),
  hash: text('hash').notNull(),
  appliedAt: text('applied_at').notNull(),
});

export async function migrate(db: Db, list: readonly Migration[] = embedded, now: () => string = () => new Date().toISOString()): Promise<MigrateResult> {
  await db.run(sql.raw(`CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY NOT NULL, hash text NOT NULL, applied_at text NOT NULL)`));
  const done = new Map((await db.all<{ name: string; hash: string }>(sql.raw(`SELECT name, hash FROM ${TABLE}`))).map((r) => [r.name, r.hash]));
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const migration of list) {
    const hash = sha256Hex(migration.statements.join('\n'));
    const recorded = done.get(migration.name);
    if (recorded !== undefined) {
      if (recorded !== hash) throw new Error(`migration \`${migration.name}\` was changed after it was applied (hash ${recorded.slice(0, 12)} → ${hash.slice(0, 12)})`);
      result.skipped.push(migration.name);
      continue;
    }
    const statements = migration.statements.map((s) => db.run(sql.raw(s)));
    const record = db.insert(migrationsTable).values({ name: migration.name, hash, appliedAt: now() });
    try {
      await runBatch(db, [...statements, record]);
    } catch (error) {
      // Another process may have applied it between our read and our batch.
      const again = await db.all<{ name: string }>(sql`SELECT name FROM ${sql.identifier(TABLE)} WHERE name = ${migration.name}`);
      if (again.length === 0) throw error;
      result.skipped.push(migration.name);
      continue;
    }
    result.applied.push(migration.name);
  }
  return result;
}

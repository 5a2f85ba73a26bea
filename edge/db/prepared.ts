// Queries a hot path runs on every request (a login reads its token, the active rule set, the
// identity and its observed state), built once per database handle and reused. drizzle builds
// a query's SQL afresh on every call, and that building was most of what a login allocated;
// a prepared query keeps its SQL and only binds values (`sql.placeholder`). Works on libSQL and
// D1 alike. Only for queries whose SQL never changes: a list of values goes in as ONE JSON
// placeholder read with `json_each` (`inJson`), not as `inArray` (whose SQL grows with the list).
import { sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import type { Db } from './index.ts';

const cache = new WeakMap<Db, Map<string, unknown>>();

/** The query `build` makes for `db`, built on first use under `key` and kept with the handle. */
export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  let queries = cache.get(db);
  if (!queries) {
    queries = new Map();
    cache.set(db, queries);
  }
  let query = queries.get(key) as T | undefined;
  if (query === undefined) {
    query = build(db);
    queries.set(key, query);
  }
  return query;
}

/** `column IN (the values of the JSON array bound to placeholder `name`)`: bind `JSON.stringify(list)`. */
export function inJson(column: AnySQLiteColumn, name: string): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder(name)}))`;
}

/** Ids bound as JSON arrays for `inJson`, at most `size` to a value (a D1 value stays well under its 2 MB cap). */
export function jsonChunks(ids: readonly string[], size = 5000): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(JSON.stringify(ids.slice(i, i + size)));
  return chunks;
}

// Bulk writes that bind one value per statement: the rows go in as one JSON array and SQLite
// takes them apart with `json_each`. Binding a value through the driver costs far more than
// SQLite parsing it (the libSQL client converted ~14 values per outbox row, millions for a
// large plan), and D1 binds at most 100 values per statement, so a bulk write binds a few
// large strings instead of many small ones. Works the same on libSQL and D1.

import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from './index.ts';

/** Bytes of JSON per statement: under D1's 2 MB limit on one bound value, with room to spare. */
export const JSON_ROWS_BYTES = 900_000;

/**
 * Each row (a JSON array, or an object read by `jsonField`) serialised once, the rows joined
 * into JSON arrays of at most `maxBytes` characters (a single larger row gets an array to itself).
 */
export function jsonRowChunks(rows: readonly unknown[], maxBytes = JSON_ROWS_BYTES): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let size = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    if (parts.length > 0 && size + text.length + 1 > maxBytes) {
      chunks.push(`[${parts.join(',')}]`);
      parts = [];
      size = 2;
    }
    parts.push(text);
    size += text.length + 1;
  }
  if (parts.length > 0) chunks.push(`[${parts.join(',')}]`);
  return chunks;
}

/**
 * Column `index` of a `json_each` row, named as the target column: its value (`->>`), or with
 * `json` its JSON text (`->`: an object or list stored as it came).
 */
export function jsonColumn(index: number, name: string, json = false): SQL.Aliased {
  return sql.raw(`value ${json ? '->' : '->>'} '$[${index}]'`).as(name);
}

const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Field `key` of a `json_each` row that is an object, named as the target column: its value
 * (`->>`, NULL when the key is absent). A row that is the object to store whole is `jsonRow`.
 */
export function jsonField(key: string, name: string): SQL.Aliased {
  if (!FIELD_KEY.test(key)) throw new Error(`json field \`${key}\` is not a plain key`);
  return sql.raw(`value ->> '$.${key}'`).as(name);
}

/** The whole `json_each` row as JSON text, named as the target column. */
export function jsonRow(name: string): SQL.Aliased {
  return sql.raw('value').as(name);
}

/**
 * The rows of one chunk as the source of an `INSERT … SELECT`, with `fields` naming each target
 * column (`jsonColumn`, or a constant as `sql`${value}`.as(name)`).
 */
export function selectJsonRows<Fields extends Record<string, SQL.Aliased>>(db: Db, chunk: string, fields: Fields) {
  // `WHERE true`: SQLite's rule for an upsert whose rows come from a SELECT.
  return db.select(fields).from(sql`json_each(${chunk})`).where(sql`true`);
}

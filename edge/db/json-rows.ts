// Bulk writes that bind one value per statement: the rows go in as one JSON array and SQLite
// takes them apart with `json_each`. Binding a value through the driver costs far more than
// SQLite parsing it (the libSQL client converted ~14 values per outbox row, millions for a
// large plan), and D1 binds at most 100 values per statement, so a bulk write binds a few
// large strings instead of many small ones. Works the same on libSQL and D1.

/** Bytes of JSON per statement: under D1's 2 MB limit on one bound value, with room to spare. */
export const JSON_ROWS_BYTES = 900_000;

/**
 * Each row serialised once as a JSON array, the rows joined into JSON arrays of at most
 * `maxBytes` characters (a single larger row gets an array to itself).
 */
export function jsonRowChunks(rows: readonly (readonly unknown[])[], maxBytes = JSON_ROWS_BYTES): string[] {
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

/** Rows a write statement changed, from a libSQL result set or a D1 result. */
export function changedRows(result: unknown): number {
  const libsql = (result as { rowsAffected?: unknown } | null)?.rowsAffected;
  if (typeof libsql === 'number') return libsql;
  const d1 = (result as { meta?: { changes?: unknown } } | null)?.meta?.changes;
  return typeof d1 === 'number' ? d1 : 0;
}

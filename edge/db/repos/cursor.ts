// Opaque page cursors: base64url of the last row's sort key. Clients pass them back verbatim;
// a cursor that does not decode is the caller's mistake (`bad_cursor`), never a 500.
import { and, eq, lt, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

export interface Page<T> {
  items: T[];
  /** Present when there may be more rows after `items`. */
  nextCursor?: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function encodeCursor(key: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ k: key }));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return undefined;
  try {
    const binary = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof value === 'object' && value !== null && 'k' in value && typeof value.k === 'string') return value.k;
  } catch {
    return undefined;
  }
  return undefined;
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

/** Given `limit + 1` rows in key order, the page and its next cursor. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(key(items[items.length - 1] as T)) };
}

/**
 * Newest-first lists key on `time|id` (`toPage(rows, limit, (r) => `${r.createdAt}|${r.id}`)`):
 * the rows after such a cursor in (time desc, id desc) order, or undefined when it is not one.
 */
export function beforeCursor(cursor: string, time: AnySQLiteColumn, id: AnySQLiteColumn): SQL | undefined {
  const key = decodeCursor(cursor);
  const split = key?.indexOf('|') ?? -1;
  if (key === undefined || split < 0) return undefined;
  const at = key.slice(0, split);
  return or(lt(time, at), and(eq(time, at), lt(id, key.slice(split + 1))));
}

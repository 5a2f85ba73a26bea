// Storage entry point: the shared `Db` type and helpers every repository uses.
//
// THE RULE: D1 has no interactive transactions. Every write of more than one statement goes
// through ONE `db.batch([...])` (`runBatch` below), which is atomic on libSQL and on D1: all
// statements commit or none does. Never `db.transaction(...)`, never two awaited writes that
// must succeed together. A check that must hold for the write (a version, a guard) is written
// into the statements themselves, so the batch fails as a whole when it does not hold.
//
// D1 also binds at most 100 parameters per statement: multi-row inserts are chunked with
// `chunkRows` so the same code runs on both drivers.
import type { BatchItem } from 'drizzle-orm/batch';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from './schema.ts';

export type Schema = typeof schema;

/** A drizzle database over either driver (libSQL or D1), with the schema and `batch`. */
export type Db = BaseSQLiteDatabase<'async', unknown, Schema> & {
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(batch: T): Promise<unknown>;
};

export type Statement = BatchItem<'sqlite'>;

/** Runs statements atomically (see THE RULE above); an empty list does nothing. */
export async function runBatch(db: Db, statements: readonly Statement[]): Promise<unknown[]> {
  if (statements.length === 0) return [];
  return (await db.batch(statements as unknown as [Statement, ...Statement[]])) as unknown[];
}

/** D1's bound-parameter limit per statement, the default for any database. */
export const MAX_PARAMS = 100;

const paramLimits = new WeakMap<object, number>();

/** Drivers that bind more parameters (libSQL: 32766) say so once, at open. */
export function setParamLimit(db: Db, limit: number): void {
  paramLimits.set(db, limit);
}

export function paramLimit(db: Db): number {
  return paramLimits.get(db) ?? MAX_PARAMS;
}

/** Splits rows so that each multi-row insert binds at most `maxParams` values. */
export function chunkRows<T>(rows: readonly T[], columnsPerRow: number, maxParams = MAX_PARAMS): T[][] {
  const size = Math.max(1, Math.floor(maxParams / Math.max(1, columnsPerRow)));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/** Whether `error` (or one of its causes) is SQLite's constraint failure naming `what` (`table.column`). */
export function isConstraintError(error: unknown, what?: string): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const message = e.message;
    if (/constraint failed/i.test(message) && (what === undefined || message.includes(what))) return true;
  }
  return false;
}

/** Who writes and when: the edge's clock and the authenticated actor, passed in. */
export interface WriteContext {
  at: string;
  actor: string;
}

export type Failure<C extends string = string> = { ok: false; code: C; message: string };
export type Outcome<T, C extends string = string> = { ok: true; value: T } | Failure<C>;

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}

export type { JsonObject } from './schema.ts';
export * as schema from './schema.ts';

// The embedded libSQL database (a file, or `:memory:`) as a @libsql/client `Client` that keeps
// its statements prepared. @libsql/client's embedded client prepares every statement again on
// every call, asks for its columns twice and builds each row with `Object.defineProperty`: for
// a login's five one-row reads that was most of their time (a cached read of an identity is
// ~18 µs in SQLite, ~140 µs through the client). This client runs the same native library
// (`libsql`) the same way — one connection, every call synchronous on this thread, integers as
// numbers (an integer beyond 2^53 is an error, not a rounded value), booleans as 0/1 — and keeps
// up to STATEMENTS prepared statements by their SQL, each with its columns read once.
//
// Roster never holds a transaction open across awaits (edge/db/index.ts, THE RULE): `batch` is
// the only transaction, so `transaction()` refuses with an error that says so.
import { Buffer } from 'node:buffer';
import Database from 'libsql';
import { LibsqlBatchError, LibsqlError } from '@libsql/client';
import type { Client, InArgs, InStatement, InValue, ResultSet, Row, Transaction, TransactionMode, Value } from '@libsql/client';

/** Statements kept prepared; the oldest goes first beyond this. */
const STATEMENTS = 256;
/** SQL longer than this (a one-off multi-row insert) is prepared for its call only. */
const LONGEST_CACHED_SQL = 64 * 1024;

type NativeStatement = Database.Statement;

interface Prepared {
  statement: NativeStatement;
  /** What it returns, for a statement that returns rows. */
  reader?: Reader;
}

interface Reader {
  columns: string[];
  columnTypes: string[];
  /** Each column name with the index of its first column (of two equal names, the first wins). */
  names: (readonly [string, number])[];
  /** The class of its rows: their values by index and their `length`. */
  Shape: new (values: Value[]) => RowValues;
}

/** Opens `path` (a file path or `:memory:`) and wraps it. */
export function openEmbedded(path: string): Client {
  return new EmbeddedClient(new Database(path));
}

class EmbeddedClient implements Client {
  readonly protocol = 'file';
  closed = false;
  readonly #statements = new Map<string, Prepared>();

  constructor(readonly database: Database.Database) {}

  execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    try {
      this.#checkOpen();
      const stmt = toStatement(stmtOrSql, args);
      return Promise.resolve(this.#run(stmt.sql, stmt.args));
    } catch (error) {
      return Promise.reject(libsqlError(error));
    }
  }

  batch(stmts: (InStatement | [string, InArgs?])[], mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    try {
      this.#checkOpen();
      this.#run(begin(mode));
    } catch (error) {
      return Promise.reject(libsqlError(error));
    }
    const results: ResultSet[] = [];
    for (let i = 0; i < stmts.length; i++) {
      // A statement that ended the transaction (its own COMMIT or ROLLBACK) ends the batch too.
      if (!this.database.inTransaction) return Promise.reject(new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED'));
      try {
        const stmt = toStatement(stmts[i] as InStatement | [string, InArgs?]);
        results.push(this.#run(stmt.sql, stmt.args));
      } catch (error) {
        this.#rollback();
        const e = libsqlError(error);
        return Promise.reject(e instanceof LibsqlError ? new LibsqlBatchError(e.message, i, e.code, e.extendedCode, e.rawCode, e) : e);
      }
    }
    try {
      this.#run('COMMIT');
    } catch (error) {
      this.#rollback();
      return Promise.reject(libsqlError(error));
    }
    return Promise.resolve(results);
  }

  /** Migrations are batches here (Roster applies its own, edge/db/migrate.ts). */
  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.batch(stmts, 'deferred');
  }

  transaction(): Promise<Transaction> {
    return Promise.reject(new LibsqlError('Roster writes atomically with batch(); an interactive transaction is not offered (edge/db/index.ts)', 'TRANSACTION_UNSUPPORTED'));
  }

  executeMultiple(sql: string): Promise<void> {
    try {
      this.#checkOpen();
      this.#statements.clear();
      this.database.exec(sql);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(libsqlError(error));
    }
  }

  /** An embedded database without a replica has nothing to sync. */
  sync(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#statements.clear();
    this.database.close();
  }

  reconnect(): void {
    throw new LibsqlError('an embedded database cannot be reopened by its client; open it again', 'RECONNECT_UNSUPPORTED');
  }

  #checkOpen(): void {
    if (this.closed) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
  }

  #rollback(): void {
    if (!this.database.inTransaction) return;
    try {
      this.#run('ROLLBACK');
    } catch {
      // SQLite has already rolled back (an error inside COMMIT can do that); nothing to undo
    }
  }

  #run(sql: string, args: InArgs = []): ResultSet {
    const prepared = this.#prepare(sql);
    const bound = toSqlArgs(args);
    if (prepared.reader === undefined) {
      const info = prepared.statement.run(bound);
      return result([], [], [], info.changes, BigInt(info.lastInsertRowid));
    }
    const raw = prepared.statement.all(bound) as unknown[][];
    let reader = prepared.reader;
    // SQLite re-prepares a statement after a schema change (this connection's or another's), and
    // `SELECT *` can then return other columns: when a row does not fit the ones kept, read them
    // again from the statement that just ran (never run it twice: it may have written).
    const width = (raw[0] as unknown[] | undefined)?.length;
    if (width !== undefined && width !== reader.columns.length) {
      reader = describe(prepared.statement);
      if (width !== reader.columns.length) throw new LibsqlError(`rows of ${width} values from a statement of ${reader.columns.length} columns: ${sql.slice(0, 200)}`, 'COLUMNS_CHANGED');
      if (this.#statements.has(sql)) this.#statements.set(sql, { statement: prepared.statement, reader });
    }
    const { names, Shape } = reader;
    const rows = raw.map((values) => toRow(values, names, Shape));
    return result(reader.columns, reader.columnTypes, rows, 0, undefined);
  }

  #prepare(sql: string): Prepared {
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement = this.database.prepare(sql);
    statement.safeIntegers(true);
    const prepared: Prepared = statement.reader ? { statement, reader: describe(statement) } : { statement };
    // DDL changes what other statements mean: start afresh after it.
    if (/^\s*(create|alter|drop)\b/i.test(sql)) this.#statements.clear();
    else if (sql.length <= LONGEST_CACHED_SQL) {
      if (this.#statements.size >= STATEMENTS) this.#statements.delete(this.#statements.keys().next().value as string);
      this.#statements.set(sql, prepared);
    }
    return prepared;
  }
}

/** What a statement that returns rows returns: its columns, read once (and again after a schema change). */
function describe(statement: NativeStatement): Reader {
  statement.raw(true);
  const definitions = statement.columns();
  const columns = definitions.map((c) => c.name);
  const first = new Map<string, number>();
  columns.forEach((name, i) => first.has(name) || first.set(name, i));
  return { columns, columnTypes: definitions.map((c) => c.type ?? ''), names: [...first], Shape: rowShape(columns.length) };
}

/** `{ sql, args }` from any of the forms @libsql/client takes. */
function toStatement(item: InStatement | string | [string, InArgs?], args?: InArgs): { sql: string; args: InArgs } {
  if (typeof item === 'string') return { sql: item, args: args ?? [] };
  if (Array.isArray(item)) return { sql: item[0], args: item[1] ?? [] };
  return { sql: item.sql, args: item.args ?? [] };
}

function begin(mode: TransactionMode): string {
  if (mode === 'write') return 'BEGIN IMMEDIATE';
  if (mode === 'read') return 'BEGIN TRANSACTION READONLY';
  if (mode === 'deferred') return 'BEGIN DEFERRED';
  throw new RangeError(`unknown transaction mode ${JSON.stringify(mode)}: "write", "read" or "deferred"`);
}

function result(columns: string[], columnTypes: string[], rows: Row[], rowsAffected: number, lastInsertRowid: bigint | undefined): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON() {
      return { columns, columnTypes, rows: rows.map((r) => Array.prototype.map.call(r, valueToJson)), rowsAffected, lastInsertRowid: lastInsertRowid?.toString() ?? null };
    },
  };
}

/** A value in a result's JSON form, as @libsql/client writes it: blobs in base64. */
function valueToJson(value: Value): unknown {
  if (typeof value === 'bigint') return String(value);
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  return value;
}

/**
 * A row as @libsql/client shapes it: values by column name (own, enumerable; the first of two
 * equal names wins) and by index with a `length` (inherited getters over a private field, not
 * enumerable), so that `Object.keys`, spreading, JSON and drizzle's
 * `Array.prototype.slice.call(row)` all read it as before.
 */
class RowValues {
  readonly #values: Value[];
  constructor(values: Value[]) {
    this.#values = values;
  }
  static at(row: RowValues, index: number): Value {
    return row.#values[index] as Value;
  }
}

function toRow(raw: unknown[], names: Reader['names'], Shape: Reader['Shape']): Row {
  const values = raw.map(fromSql);
  const row = new Shape(values) as unknown as Record<string, Value>;
  for (const [name, i] of names) row[name] = values[i] as Value;
  return row as unknown as Row;
}

const shapes: (new (values: Value[]) => RowValues)[] = [];

/** The row class for rows of `width` columns (one per width, shared by every statement). */
function rowShape(width: number): new (values: Value[]) => RowValues {
  let Shape = shapes[width];
  if (!Shape) {
    Shape = class extends RowValues {};
    const properties: PropertyDescriptorMap = { length: { value: width, enumerable: false } };
    for (let i = 0; i < width; i++) {
      properties[i] = {
        enumerable: false,
        get(this: RowValues) {
          return RowValues.at(this, i);
        },
      };
    }
    Object.defineProperties(Shape.prototype, properties);
    shapes[width] = Shape;
  }
  return Shape;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fromSql(value: unknown): Value {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE) throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(value);
  }
  if (Buffer.isBuffer(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return value as Value;
}

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

function toSql(value: InValue): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < MIN_INT64 || value > MAX_INT64) throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function toSqlArgs(args: InArgs): unknown[] | Record<string, unknown> {
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) named[name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.slice(1) : name] = toSql(value);
  return named;
}

/** SQLite's errors as @libsql/client reports them (same message; `code` the base code); any other error as it is. */
function libsqlError(error: unknown): unknown {
  if (error instanceof Database.SqliteError) {
    const rawCode = (error as { rawCode?: number }).rawCode;
    return new LibsqlError(error.message, baseCode(rawCode), error.code, rawCode, error);
  }
  return error;
}

const BASE_CODES = ['', 'ERROR', 'INTERNAL', 'PERM', 'ABORT', 'BUSY', 'LOCKED', 'NOMEM', 'READONLY', 'INTERRUPT', 'IOERR', 'CORRUPT', 'NOTFOUND', 'FULL', 'CANTOPEN', 'PROTOCOL', 'EMPTY', 'SCHEMA', 'TOOBIG', 'CONSTRAINT', 'MISMATCH', 'MISUSE', 'NOLFS', 'AUTH', 'FORMAT', 'RANGE', 'NOTADB', 'NOTICE', 'WARNING'];

function baseCode(rawCode: number | undefined): string {
  if (rawCode === undefined) return 'SQLITE_UNKNOWN';
  const name = BASE_CODES[rawCode & 0xff];
  return name ? `SQLITE_${name}` : `SQLITE_UNKNOWN_${rawCode & 0xff}`;
}

// Writes one import: every identity row, the import run's outcome and the audit events in ONE
// batch (edge/db THE RULE), so a crash or a failed statement leaves the file entirely applied
// or not at all. Each row carries the version it was read at; a row changed meanwhile turns
// its version to NULL, which fails the whole batch (`stale`) and the importer merges again.
import { eq, sql } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../db/index.ts';
import { isConstraintError } from '../db/index.ts';
import { MAX_IMPORT_ERRORS } from '../db/repos/import-runs.ts';
import type { ImportCounts, ImportError, ImportRun } from '../db/repos/import-runs.ts';
import { identities, importRuns } from '../db/schema.ts';
import type { IdentityWrite } from './merge.ts';

/** Ids per audit event: one event per slice of the import, not per row. */
const AUDIT_SLICE = 1000;

export type WriteOutcome = { ok: true; run: ImportRun } | { ok: false; code: 'stale' | 'duplicate_login'; message: string };

export async function writeImport(
  db: Db,
  runId: string,
  writes: readonly IdentityWrite[],
  result: ImportCounts & { errors: ImportError[] },
  ctx: WriteContext,
): Promise<WriteOutcome> {
  const rows = writes.map((w) => w.row);
  const events: AuditEvent[] = [];
  for (let i = 0; i < rows.length; i += AUDIT_SLICE) {
    events.push({ ...ctx, type: 'identity.import', subject: runId, data: { ids: rows.slice(i, i + AUDIT_SLICE).map((r) => r.id) } });
  }
  const { errors, ...counts } = result;
  events.push({ ...ctx, type: 'import.done', subject: runId, data: { ...counts, errors: errors.length } as JsonObject });
  const finish = db
    .update(importRuns)
    .set({ ...counts, status: 'done', errors: errors.slice(0, MAX_IMPORT_ERRORS), finishedAt: ctx.at })
    .where(eq(importRuns.id, runId))
    .returning();
  try {
    const results = await writeWithAudit(db, events, () => [...upserts(db, rows), finish]);
    const [run] = results[results.length - 1] as ImportRun[];
    if (!run) throw new Error(`import run \`${runId}\` vanished while importing`);
    return { ok: true, run };
  } catch (error) {
    if (isConstraintError(error, 'identities.version')) return { ok: false, code: 'stale', message: 'identities changed while importing' };
    if (isConstraintError(error, 'identities.login')) return { ok: false, code: 'duplicate_login', message: 'a login in the file was taken while importing' };
    throw error;
  }
}

/** Rows per statement: each statement binds ONE parameter (a JSON array of rows), so the
 * driver's parameter limit (D1: 100) never splits an import into thousands of statements. */
const ROWS_PER_STATEMENT = 2000;

/**
 * `INSERT … SELECT FROM json_each(?)`: the rows travel as one JSON text per statement and
 * SQLite unpacks them, which is faster than binding 12 values per row (see bench/import.bench.ts).
 */
function upserts(db: Db, rows: readonly IdentityWriteRow[]): Statement[] {
  const statements: Statement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => [r.id, r.login, r.email, r.status, JSON.stringify(r.profile), JSON.stringify(r.sources), r.passwordHash, r.passwordChangedAt, JSON.stringify(r.passwordHistory), r.version, r.createdAt, r.updatedAt]);
    statements.push(
      db.run(sql`INSERT INTO identities (id, login, email, status, profile, sources, password_hash, password_changed_at, password_history, version, created_at, updated_at)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, value ->> 11
        FROM json_each(${JSON.stringify(chunk)}) WHERE true
        ON CONFLICT (id) DO UPDATE SET login = excluded.login, email = excluded.email, status = excluded.status, profile = excluded.profile, sources = excluded.sources,
          version = CASE WHEN identities.version + 1 = excluded.version THEN excluded.version ELSE NULL END, updated_at = excluded.updated_at`),
    );
  }
  return statements;
}

type IdentityWriteRow = IdentityWrite['row'];

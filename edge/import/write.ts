// Writes one import: every identity row, the import run's outcome and the audit events in ONE
// batch (edge/db THE RULE), so a crash or a failed statement leaves the file entirely applied
// or not at all. Each row carries the version it was read at; a row changed meanwhile turns
// its version to NULL, which fails the whole batch (`stale`) and the importer merges again.
import { eq, sql } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../db/index.ts';
import { isConstraintError } from '../db/index.ts';
import { jsonColumn, jsonRowChunks, selectJsonRows } from '../db/json-rows.ts';
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

/**
 * `INSERT … SELECT FROM json_each(?)`: the rows travel as JSON, about 900 kB per statement
 * (edge/db/json-rows.ts), and SQLite unpacks them, which is faster than binding 12 values per
 * row (see bench/import.bench.ts) and keeps D1 far from its 100 bound values per statement.
 */
function upserts(db: Db, rows: readonly IdentityWriteRow[]): Statement[] {
  const json = rows.map((r) => [r.id, r.login, r.email, r.status, r.profile, r.sources, r.passwordHash, r.passwordChangedAt, r.passwordHistory, r.version, r.createdAt, r.updatedAt]);
  return jsonRowChunks(json).map((chunk) =>
    db
      .insert(identities)
      .select(
        selectJsonRows(db, chunk, {
          id: jsonColumn(0, 'id'),
          login: jsonColumn(1, 'login'),
          email: jsonColumn(2, 'email'),
          status: jsonColumn(3, 'status'),
          profile: jsonColumn(4, 'profile', true),
          sources: jsonColumn(5, 'sources', true),
          passwordHash: jsonColumn(6, 'password_hash'),
          passwordChangedAt: jsonColumn(7, 'password_changed_at'),
          passwordHistory: jsonColumn(8, 'password_history', true),
          version: jsonColumn(9, 'version'),
          createdAt: jsonColumn(10, 'created_at'),
          updatedAt: jsonColumn(11, 'updated_at'),
        }),
      )
      .onConflictDoUpdate({
        target: identities.id,
        set: {
          login: sql.raw('excluded.login'),
          email: sql.raw('excluded.email'),
          status: sql.raw('excluded.status'),
          profile: sql.raw('excluded.profile'),
          sources: sql.raw('excluded.sources'),
          version: sql.raw('CASE WHEN identities.version + 1 = excluded.version THEN excluded.version ELSE NULL END'),
          updatedAt: sql.raw('excluded.updated_at'),
        },
      }),
  );
}

type IdentityWriteRow = IdentityWrite['row'];

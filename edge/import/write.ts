// Writes one import: every identity row, the import run's outcome and the audit events in ONE
// batch (edge/db THE RULE), so a crash or a failed statement leaves the file entirely applied
// or not at all. Each row carries the version it was read at; a row changed meanwhile turns
// its version to NULL, which fails the whole batch (`stale`) and the importer merges again.
import { eq, sql } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../db/index.ts';
import { chunkRows, isConstraintError, paramLimit } from '../db/index.ts';
import { MAX_IMPORT_ERRORS } from '../db/repos/import-runs.ts';
import type { ImportCounts, ImportError, ImportRun } from '../db/repos/import-runs.ts';
import { identities, importRuns } from '../db/schema.ts';
import type { IdentityWrite } from './merge.ts';

const COLUMNS = 12;
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

function upserts(db: Db, rows: readonly IdentityWriteRow[]): Statement[] {
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  return chunkRows(rows, COLUMNS, paramLimit(db)).map((chunk) =>
    db
      .insert(identities)
      .values(chunk)
      .onConflictDoUpdate({
        target: identities.id,
        set: {
          login: excluded('login'),
          email: excluded('email'),
          status: excluded('status'),
          profile: excluded('profile'),
          sources: excluded('sources'),
          // NULL violates NOT NULL: a row another writer moved fails the whole import.
          version: sql`CASE WHEN ${identities.version} + 1 = excluded.version THEN excluded.version ELSE NULL END`,
          updatedAt: excluded('updated_at'),
        },
      }),
  );
}

type IdentityWriteRow = IdentityWrite['row'];

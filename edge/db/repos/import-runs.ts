// Import runs: one row per HR/directory import, with its progress and per-record errors.
import { desc, eq, or, sql } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../index.ts';
import { fail, ok } from '../index.ts';
import type { ImportStatus } from '../schema.ts';
import { importRuns } from '../schema.ts';

export type ImportRun = typeof importRuns.$inferSelect;
export type ImportError = ImportRun['errors'][number];
export type ImportCounts = Pick<ImportRun, 'total' | 'created' | 'updated' | 'failed'>;

/** At most this many errors are kept per import; the count in `failed` stays exact. */
export const MAX_IMPORT_ERRORS = 1000;

export async function startImportRun(db: Db, input: { id: string; source: string; fileName?: string | null; total?: number }, ctx: WriteContext): Promise<ImportRun> {
  const row: ImportRun = { id: input.id, source: input.source, fileName: input.fileName ?? null, status: 'running', total: input.total ?? 0, created: 0, updated: 0, failed: 0, errors: [], startedAt: ctx.at, finishedAt: null };
  await writeWithAudit(db, [{ ...ctx, type: 'import.start', subject: row.id, data: { source: row.source, fileName: row.fileName } }], () => [db.insert(importRuns).values(row)]);
  return row;
}

/** Progress while running (not audited: the finish records the outcome). */
export async function updateImportProgress(db: Db, id: string, counts: Partial<ImportCounts>): Promise<void> {
  await db.update(importRuns).set(counts).where(eq(importRuns.id, id));
}

export async function finishImportRun(
  db: Db,
  id: string,
  result: Partial<ImportCounts> & { status: Exclude<ImportStatus, 'running'>; errors?: ImportError[] },
  ctx: WriteContext,
): Promise<Outcome<ImportRun, 'not_found'>> {
  if (!(await getImportRun(db, id))) return fail('not_found', `no import run \`${id}\``);
  const errors = (result.errors ?? []).slice(0, MAX_IMPORT_ERRORS);
  const { errors: _errors, ...counts } = result;
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: `import.${result.status}`, subject: id, data: { ...counts, errors: result.errors?.length ?? 0 } }], () => [
    db
      .update(importRuns)
      .set({ ...counts, errors, finishedAt: ctx.at })
      .where(eq(importRuns.id, id))
      .returning(),
  ])) as ImportRun[][];
  return rows?.[0] ? ok(rows[0]) : fail('not_found', `no import run \`${id}\``);
}

export async function getImportRun(db: Db, id: string): Promise<ImportRun | undefined> {
  const [row] = await db.select().from(importRuns).where(eq(importRuns.id, id)).limit(1);
  return row;
}

/** The newest import runs; with `source`, only that source's (`hr` also matches `hr:changes`, `app` every app's). */
export async function listImportRuns(db: Db, limit = 50, source?: string): Promise<ImportRun[]> {
  const where = source === undefined ? undefined : or(eq(importRuns.source, source), sql`substr(${importRuns.source}, 1, ${source.length + 1}) = ${`${source}:`}`);
  return db.select().from(importRuns).where(where).orderBy(desc(importRuns.startedAt), desc(importRuns.id)).limit(limit);
}

// One HR import, start to end: parse → validate every record → read the identities it touches
// → merge (source `hr`) → write everything in one batch → plan the written identities.
// Validation happens before any identity is written: with errors, the whole file is refused
// (the import run records them) unless `skipInvalid` imports the valid records.
import { inArray, sql } from 'drizzle-orm';
import type { AttributeSources } from '../../engine/lifecycle/attribute-sources.ts';
import type { AttributeType } from '../../engine/types.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { chunkRows, paramLimit } from '../db/index.ts';
import { getIdentities } from '../db/repos/identities.ts';
import type { Identity } from '../db/repos/identities.ts';
import { finishImportRun, getImportRun, startImportRun } from '../db/repos/import-runs.ts';
import type { ImportRun } from '../db/repos/import-runs.ts';
import { identities } from '../db/schema.ts';
import { HR_SOURCE, mergeChanges } from './merge.ts';
import type { MergeOutput } from './merge.ts';
import { detectFormat, parseRecords } from './parse.ts';
import type { ImportFormat, RecordError } from './parse.ts';
import { validateRecords } from './validate.ts';
import type { ImportMode, WorkerChange } from './validate.ts';
import { writeImport } from './write.ts';

export type ImportPhase = 'validate' | 'read' | 'write' | 'plan';

export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
}

/** What planning the imported identities produced (the reconcile service's answer). */
export interface ImportPlanSummary {
  runId: string;
  actions: number;
  held: boolean;
}

export interface ImportInput {
  runId: string;
  text: string;
  fileName?: string;
  format?: ImportFormat;
  mode?: ImportMode;
  skipInvalid?: boolean;
  /** Declared attribute types (the active rule set's `settings.attributes`). */
  types?: Record<string, AttributeType>;
  sources?: AttributeSources;
  onProgress?(progress: ImportProgress): void;
  /**
   * Plans the written identities (a reconcile run); skipped when absent or nothing changed.
   * `rows` are the identity rows exactly as the batch stored them, so the planner need not read
   * them back.
   */
  plan?(userIds: string[], rows: readonly Identity[]): Promise<ImportPlanSummary>;
}

export interface ImportResult {
  run: ImportRun;
  /** Every problem found, by line (the run keeps the first 1000). */
  errors: RecordError[];
  /** Identities created or changed. */
  written: string[];
  unchanged: number;
  plan?: ImportPlanSummary;
}

const MAX_ATTEMPTS = 3;

export async function runImport(db: Db, input: ImportInput, ctx: WriteContext): Promise<ImportResult> {
  const format = input.format ?? detectFormat(input.text, input.fileName);
  const mode = input.mode ?? 'full';
  const source = mode === 'incremental' ? `${HR_SOURCE}:changes` : HR_SOURCE;
  const parsed = parseRecords(input.text, format, input.types);
  await startImportRun(db, { id: input.runId, source, fileName: input.fileName ?? null, total: parsed.ok ? parsed.records.length : 0 }, ctx);
  if (!parsed.ok) return refuse(db, input.runId, [parsed.error], { total: 0, invalid: 1 }, ctx);

  const total = parsed.records.length;
  const progress = (phase: ImportPhase, done: number) => input.onProgress?.({ phase, done, total });
  progress('validate', 0);
  const { changes, errors: invalid } = validateRecords(parsed.records, { mode, types: input.types ?? {} });
  progress('validate', total);

  for (let attempt = 1; ; attempt++) {
    const merged = mergeChanges({ changes, ...(await readTouched(db, changes, (done) => progress('read', done))), mode, at: ctx.at, sources: input.sources });
    const errors = [...invalid, ...merged.errors].sort((a, b) => a.line - b.line);
    const failedLines = new Set(errors.map((e) => e.line)).size;
    if (errors.length > 0 && !input.skipInvalid) return refuse(db, input.runId, errors, { total, invalid: failedLines }, ctx);
    progress('write', 0);
    const written = await writeImport(db, input.runId, merged.writes, { total, created: merged.created, updated: merged.updated, failed: failedLines, errors }, ctx);
    if (!written.ok) {
      if (written.code === 'stale' && attempt < MAX_ATTEMPTS) continue;
      return refuse(db, input.runId, [{ line: 0, message: written.message }], { total, invalid: 0 }, ctx);
    }
    progress('write', total);
    return finish(written.run, errors, merged, input);
  }
}

async function finish(run: ImportRun, errors: RecordError[], merged: MergeOutput, input: ImportInput): Promise<ImportResult> {
  const rows = merged.writes.map((w) => w.row);
  const written = rows.map((row) => row.id);
  const result: ImportResult = { run, errors, written, unchanged: merged.unchanged };
  if (input.plan && written.length > 0) {
    input.onProgress?.({ phase: 'plan', done: 0, total: written.length });
    result.plan = await input.plan(written, rows);
    input.onProgress?.({ phase: 'plan', done: written.length, total: written.length });
  }
  return result;
}

async function refuse(db: Db, runId: string, errors: RecordError[], counts: { total: number; invalid: number }, ctx: WriteContext): Promise<ImportResult> {
  const finished = await finishImportRun(db, runId, { status: 'failed', total: counts.total, created: 0, updated: 0, failed: counts.invalid, errors }, ctx);
  const run = finished.ok ? finished.value : await getImportRun(db, runId);
  if (!run) throw new Error(`import run \`${runId}\` vanished while importing`);
  return { run, errors, written: [], unchanged: 0 };
}

/** The identities the changes name, and who holds the logins they may take. */
async function readTouched(db: Db, changes: readonly WorkerChange[], onRead: (done: number) => void): Promise<{ existing: Map<string, Identity>; loginOwners: Map<string, string> }> {
  const existing = new Map<string, Identity>();
  const ids = changes.map((c) => c.id);
  const step = Math.max(1, paramLimit(db) - 8);
  for (let i = 0; i < ids.length; i += step) {
    for (const row of await getIdentities(db, ids.slice(i, i + step))) existing.set(row.id, row);
    onRead(Math.min(ids.length, i + step));
  }
  const logins = new Set<string>();
  for (const change of changes) {
    const login = change.login ?? existing.get(change.id)?.login ?? (typeof change.attributes.email === 'string' ? change.attributes.email.toLowerCase() : undefined);
    if (login) logins.add(login.toLowerCase());
  }
  // Logins are one case-insensitively (SCIM `userName eq` matches without case, RFC 7643 §4.1):
  // `Ada@x` is taken when `ada@x` is. Keys are lowercased; NOCASE uses identities_login_nocase.
  const loginOwners = new Map<string, string>();
  for (const chunk of chunkRows([...logins], 1, step)) {
    const rows = await db.select({ id: identities.id, login: identities.login }).from(identities).where(inArray(sql`${identities.login} COLLATE NOCASE`, chunk));
    for (const row of rows) loginOwners.set(row.login.toLowerCase(), row.id);
  }
  return { existing, loginOwners };
}

// The audit log is a hash chain: row n stores `prev_hash` = row n-1's hash and
// `hash = sha256(prev_hash + canonical JSON of {seq, at, actor, type, subject, data})`.
// Editing, inserting or deleting a row breaks the chain at that row (edge/audit/verify.ts).
//
// Concurrency: two writers that read the same head would both append after it. `seq` is the
// primary key and `prev_hash` is UNIQUE, so the second writer's batch fails as a whole (its
// change is not written either) and `writeWithAudit` re-reads the head and retries. We chose
// the constraint over reading the head inside the batch because SQLite cannot compute sha256.
// Within one process writers also queue per database, so retries only happen across processes.
import { desc } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../../engine/hash.ts';
import type { Db, JsonObject, Statement } from '../db/index.ts';
import { chunkRows, isConstraintError, paramLimit, runBatch } from '../db/index.ts';
import { auditEvents } from '../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** What happened, by whom, to what: the caller supplies the time (the edge's clock). */
export interface AuditEvent {
  at: string;
  actor: string;
  type: string;
  subject?: string | null;
  data?: JsonObject;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  subject: string | null;
  data: JsonObject;
  prevHash: string;
  hash: string;
}

/** The last row of the chain ({seq: 0, hash: GENESIS_HASH} when empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

export function auditHash(row: Omit<AuditRow, 'hash'>): string {
  const { seq, at, actor, type, subject, data } = row;
  return sha256Hex(row.prevHash + canonicalJson({ seq, at, actor, type, subject, data }));
}

export async function readAuditHead(db: Db): Promise<AuditHead> {
  const [last] = await db.select({ seq: auditEvents.seq, hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
  return last ?? { seq: 0, hash: GENESIS_HASH };
}

/** Chains `events` after `head` (pure): the rows to insert and the new head. */
export function chainAudit(head: AuditHead, events: readonly AuditEvent[]): { rows: AuditRow[]; head: AuditHead } {
  const rows: AuditRow[] = [];
  let current = head;
  for (const event of events) {
    const partial = { seq: current.seq + 1, at: event.at, actor: event.actor, type: event.type, subject: event.subject ?? null, data: event.data ?? {}, prevHash: current.hash };
    const row = { ...partial, hash: auditHash(partial) };
    rows.push(row);
    current = { seq: row.seq, hash: row.hash };
  }
  return { rows, head: current };
}

/** Insert statements for chained rows, to put in the same batch as the change they record. */
export function auditInserts(db: Db, rows: readonly AuditRow[]): Statement[] {
  return chunkRows(rows, 8, paramLimit(db)).map((chunk) => db.insert(auditEvents).values(chunk));
}

/** Reads the head and builds the inserts for `events`: for a caller assembling its own batch. */
export async function prepareAudit(db: Db, events: readonly AuditEvent[]): Promise<{ statements: Statement[]; rows: AuditRow[] }> {
  const { rows } = chainAudit(await readAuditHead(db), events);
  return { statements: auditInserts(db, rows), rows };
}

const MAX_ATTEMPTS = 20;
/** Writers in this process queue per database, so they never race each other for the head. */
const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Writes `build()`'s statements and the audit rows for `events` in ONE batch. Writers in one
 * process take turns; a writer in another process (or isolate) that appended first makes the
 * batch fail on the constraint, and it is retried after a short random pause with a fresh head.
 * `build` is called again on each attempt; the results of its own statements are returned.
 */
export function writeWithAudit(db: Db, events: readonly AuditEvent[], build: () => Statement[]): Promise<unknown[]> {
  const previous = queues.get(db) ?? Promise.resolve();
  const attempt = () => write(db, events, build);
  const next = previous.then(attempt, attempt);
  queues.set(
    db,
    next.catch(() => undefined),
  );
  return next;
}

async function write(db: Db, events: readonly AuditEvent[], build: () => Statement[]): Promise<unknown[]> {
  for (let attempt = 1; ; attempt++) {
    const statements = build();
    const { statements: audit } = await prepareAudit(db, events);
    try {
      const results = await runBatch(db, [...statements, ...audit]);
      return results.slice(0, statements.length);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isConstraintError(error, 'audit_events.')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** Appends events on their own (no accompanying change). */
export async function appendAudit(db: Db, ...events: AuditEvent[]): Promise<void> {
  await writeWithAudit(db, events, () => []);
}

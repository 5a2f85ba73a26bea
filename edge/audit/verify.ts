// Walks the audit chain from the first row and reports the first row that was edited,
// inserted or deleted. A chain can only prove itself up to its last row: pass an `anchor`
// (a head recorded elsewhere earlier) to also detect rows removed from the end.
import { asc, getTableColumns, gt, sql } from 'drizzle-orm';
import type { Db, JsonObject } from '../db/index.ts';
import { auditEvents } from '../db/schema.ts';
import type { AuditHead, AuditRow } from './chain.ts';
import { GENESIS_HASH, auditHash } from './chain.ts';

/** A stored row as read: `data` is undefined when its text is not a JSON object. */
type StoredRow = Omit<AuditRow, 'data'> & { data: JsonObject | undefined };

export type AuditProblemKind = 'edited' | 'inserted' | 'deleted' | 'relinked' | 'truncated';

export interface AuditProblem {
  /** The row where the chain first fails. */
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export type AuditVerdict = { ok: true; rows: number; head: AuditHead } | { ok: false; rows: number; problem: AuditProblem };

const PAGE = 1000;

export async function verifyAudit(db: Db, options: { anchor?: AuditHead } = {}): Promise<AuditVerdict> {
  const rows = pages(db);
  let prev: AuditHead = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let anchorSeen = options.anchor === undefined || options.anchor.seq === 0;
  let row = await rows.next();
  while (row) {
    const next = await rows.next();
    const problem = check(row, prev, next);
    if (problem) return { ok: false, rows: checked, problem };
    checked++;
    if (options.anchor && row.seq === options.anchor.seq) {
      if (row.hash !== options.anchor.hash) return { ok: false, rows: checked, problem: { seq: row.seq, kind: 'edited', message: `row ${row.seq} differs from the anchor hash \`${options.anchor.hash.slice(0, 12)}\`` } };
      anchorSeen = true;
    }
    prev = { seq: row.seq, hash: row.hash };
    row = next;
  }
  if (!anchorSeen && options.anchor) {
    const seq = prev.seq + 1;
    return { ok: false, rows: checked, problem: { seq, kind: 'truncated', message: `rows ${seq} to ${options.anchor.seq} are missing at the end (deleted)` } };
  }
  return { ok: true, rows: checked, head: prev };
}

function check(row: StoredRow, prev: AuditHead, next: StoredRow | undefined): AuditProblem | undefined {
  const expected = prev.seq + 1;
  // Only a row renumbered or inserted by hand sorts before the next expected seq (0 or below).
  if (row.seq < expected) return { seq: row.seq, kind: 'inserted', message: `row ${row.seq} is before row 1, where the chain starts (inserted or renumbered)` };
  if (row.seq !== expected) {
    const span = row.seq - 1 === expected ? `row ${expected} is` : `rows ${expected} to ${row.seq - 1} are`;
    return { seq: expected, kind: 'deleted', message: `${span} missing (deleted)` };
  }
  const { data } = row;
  if (data === undefined) return { seq: row.seq, kind: 'edited', message: `row ${row.seq} holds data that is not a JSON object (edited)` };
  if (auditHash({ ...row, data }) !== row.hash) return { seq: row.seq, kind: 'edited', message: `row ${row.seq} does not match its hash (edited)` };
  if (row.prevHash !== prev.hash) {
    if (next && next.prevHash === prev.hash) return { seq: row.seq, kind: 'inserted', message: `row ${row.seq} was inserted: row ${next.seq} follows row ${prev.seq}` };
    return {
      seq: row.seq,
      kind: 'relinked',
      message: `row ${row.seq} does not follow row ${prev.seq}: row ${prev.seq} was rewritten, or rows were inserted or deleted before ${row.seq}`,
    };
  }
  return undefined;
}

/** The chain in seq order, a page at a time, so a long log is never loaded whole. */
function pages(db: Db): { next(): Promise<StoredRow | undefined> } {
  let buffer: StoredRow[] = [];
  let after = -Infinity;
  let done = false;
  return {
    async next() {
      if (buffer.length === 0 && !done) {
        // `data` as its text: a row whose data was edited into something that is not JSON is a
        // tampered row to report, not an exception that stops the walk.
        const query = db.select({ ...getTableColumns(auditEvents), data: sql<string>`${auditEvents.data}` }).from(auditEvents);
        const page = await (after === -Infinity ? query : query.where(gt(auditEvents.seq, after))).orderBy(asc(auditEvents.seq)).limit(PAGE);
        buffer = page.map((row) => ({ ...row, data: jsonObject(row.data) }));
        if (buffer.length < PAGE) done = true;
        const last = buffer[buffer.length - 1];
        if (last) after = last.seq;
      }
      return buffer.shift();
    },
  };
}

function jsonObject(text: unknown): JsonObject | undefined {
  try {
    const value: unknown = typeof text === 'string' ? JSON.parse(text) : undefined;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

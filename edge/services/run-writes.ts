// Statements that store a run and its outbox actions, for callers that must put them in ONE
// batch with another change (a status change, a password change). Same rows and the same
// idempotency as edge/db/repos/runs.ts `createRun`: an action id already queued is not queued
// twice; one left `dead` or `cancelled` by an earlier run is queued again.
import { sql } from 'drizzle-orm';
import type { Action } from '../../engine/types.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../db/index.ts';
import { chunkRows, paramLimit } from '../db/index.ts';
import type { OutboxRow, Run, RunInput } from '../db/repos/index.ts';
import { outbox, runs } from '../db/schema.ts';

const OUTBOX_COLUMNS = 14;

export function newRun(input: RunInput, at: string): Run {
  return {
    id: input.id,
    kind: input.kind,
    status: input.status,
    ruleSetVersion: input.ruleSetVersion ?? null,
    asOf: input.asOf,
    summary: input.summary ?? {},
    heldReasons: input.heldReasons ?? [],
    createdAt: at,
    decidedAt: null,
    decidedBy: null,
  };
}

export function runStatements(db: Db, run: Run, actions: readonly Action[], at: string): Statement[] {
  const status = run.status === 'held' ? 'held' : 'pending';
  const rows: OutboxRow[] = actions.map((action) => ({
    id: action.id,
    runId: run.id,
    type: action.type,
    userId: action.userId ?? null,
    appId: action.appId ?? null,
    groupId: action.groupId ?? null,
    payload: action,
    notBefore: action.notBefore ?? null,
    status,
    attempts: 0,
    lastError: null,
    nextAttemptAt: action.notBefore !== undefined && action.notBefore > at ? action.notBefore : at,
    createdAt: at,
    updatedAt: at,
  }));
  return [
    db.insert(runs).values(run),
    ...chunkRows(rows, OUTBOX_COLUMNS, paramLimit(db)).map((chunk) =>
      db
        .insert(outbox)
        .values(chunk)
        .onConflictDoUpdate({
          target: outbox.id,
          set: { runId: sql.raw('excluded.run_id'), payload: sql.raw('excluded.payload'), status: sql.raw('excluded.status'), attempts: 0, lastError: null, nextAttemptAt: sql.raw('excluded.next_attempt_at'), updatedAt: sql.raw('excluded.updated_at') },
          setWhere: sql`${outbox.status} IN ('dead', 'cancelled')`,
        }),
    ),
  ];
}

/** The audit event for a run (the same one `createRun` writes). */
export function runEvent(run: Run, actions: readonly Action[], ctx: WriteContext): AuditEvent {
  const counts: JsonObject = {};
  for (const action of actions) counts[action.type] = ((counts[action.type] as number | undefined) ?? 0) + 1;
  return { ...ctx, type: 'run.create', subject: run.id, data: { kind: run.kind, status: run.status, ruleSetVersion: run.ruleSetVersion, actions: counts, heldReasons: run.heldReasons } };
}

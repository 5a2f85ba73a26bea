// Users one directory import takes away (disabled there, or gone from a full healthy read) are
// deprovisioned as ONE plan, through the safety gates a reconcile run goes through: the engine
// plans every leaver as DEPROVISIONED against the whole observed state (so each app's
// population is the real one) and gates the plan, and the leavers themselves count against the
// directory's thresholds as that many deactivations out of its linked accounts. Past a
// threshold the run is stored `held`: its actions wait as `held` and the users keep their
// status (run_status_changes) until an admin approves; below it, statuses, run and actions are
// written in one batch at once.
import { eq, sql } from 'drizzle-orm';
import type { Action } from '../../../engine/types.ts';
import { checkSafety, DEFAULT_SAFETY_THRESHOLDS } from '../../../engine/lifecycle/safety.ts';
import { thresholdsFor } from '../../../engine/planning/safety.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import { withReadHealth } from '../../connectors/sync/import.ts';
import type { Statement, WriteContext } from '../../db/index.ts';
import { isConstraintError } from '../../db/index.ts';
import type { App } from '../../db/repos/apps.ts';
import { getIdentities, observedState } from '../../db/repos/index.ts';
import { statusChangeInserts, usersWaitingInHeldRuns } from '../../db/repos/run-status-changes.ts';
import { identities } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { LIFECYCLE_OPERATIONS } from '../../services/lifecycle.ts';
import { countActions, heldReasons, loadRuleSet, planUsers, toUser } from '../../services/engine.ts';
import { newRun, runEvent, runStatements } from '../../services/run-writes.ts';

export interface Deprovisioned {
  /** Deprovisioned now. */
  deprovisioned: string[];
  /** Waiting for an admin: the held run, its users and why. */
  held?: { runId: string; users: string[]; reasons: string[] };
  runId?: string;
  refused: { userId: string; reason: string }[];
}

const TO = LIFECYCLE_OPERATIONS.deactivate.to;
const FROM: readonly string[] = LIFECYCLE_OPERATIONS.deactivate.from;

/** `population`: the directory's linked accounts before this import. */
export async function deprovisionLeavers(runtime: Runtime, app: App, userIds: readonly string[], population: number, ctx: WriteContext): Promise<Deprovisioned> {
  const { db } = runtime;
  const out: Deprovisioned = { deprovisioned: [], refused: [] };
  const waiting = await usersWaitingInHeldRuns(db, userIds);
  const leavers = (await getIdentities(db, userIds.filter((id) => !waiting.has(id)))).filter((i) => FROM.includes(i.status));
  if (leavers.length === 0) return out;

  const ruleSet = await loadRuleSet(db);
  const next = leavers.map((i) => ({ ...i, status: TO }));
  let actions: Action[] = [];
  const reasons: string[] = [];
  let version: string | null = null;
  let counts: Record<string, number> = {};
  if (ruleSet) {
    const stored = await observedState(db);
    const observed = await withReadHealth(db, stored);
    const { plan } = await planUsers(db, ruleSet, next.map(toUser), ctx.at, observed);
    actions = plan.actions;
    version = plan.version;
    counts = countActions(plan);
    reasons.push(...heldReasons(plan));
  }
  // The leavers are deactivations of the directory's accounts, whatever the rules plan downstream.
  const standIns: Action[] = leavers.map((i) => ({ id: `deprovision:${app.id}:${i.id}`, type: 'account.deactivate', userId: i.id, appId: app.id, reason: { summary: `left directory \`${app.id}\``, rules: [], version: version ?? '', matched: [] } }));
  const gate = checkSafety(standIns, { [app.id]: population }, ruleSet ? thresholdsFor(ruleSet, {}) : DEFAULT_SAFETY_THRESHOLDS, {});
  for (const hold of gate.holds) if (!reasons.includes(hold.reason)) reasons.push(hold.reason);

  const held = reasons.length > 0;
  const ids = leavers.map((i) => i.id);
  const run = newRun({ id: runtime.newId(), kind: 'import', status: held ? 'held' : 'planned', ruleSetVersion: version, asOf: ctx.at, summary: { appId: app.id, operation: 'deactivate', users: ids.length, actions: counts }, heldReasons: reasons }, ctx.at);
  const events: AuditEvent[] = [runEvent(run, actions, ctx)];
  if (!held) for (const i of leavers) events.push({ ...ctx, type: 'identity.lifecycle', subject: i.id, data: { operation: 'deactivate', from: i.status, to: TO, version: i.version + 1, runId: run.id } });
  const statements = (): Statement[] => [
    ...runStatements(db, run, actions, ctx.at, ruleSet ? ids : undefined),
    ...(held
      ? statusChangeInserts(db, leavers.map((i) => ({ runId: run.id, userId: i.id, fromStatus: i.status, toStatus: TO })))
      : leavers.map((i) =>
          // NULL breaks NOT NULL: a user changed meanwhile fails the batch, nothing half-written.
          db.update(identities).set({ status: TO, version: sql`CASE WHEN ${identities.version} = ${i.version} THEN ${i.version + 1} ELSE NULL END`, updatedAt: ctx.at }).where(eq(identities.id, i.id)),
        )),
  ];
  try {
    await writeWithAudit(db, events, statements);
  } catch (error) {
    if (!isConstraintError(error, 'identities.version')) throw error;
    out.refused.push(...ids.map((userId) => ({ userId, reason: 'changed meanwhile: the next import tries again' })));
    return out;
  }
  runtime.log({ level: held ? 'warn' : 'info', msg: 'directory deprovision', appId: app.id, runId: run.id, status: run.status, users: ids.length, actions: actions.length });
  if (held) out.held = { runId: run.id, users: ids, reasons };
  else out.deprovisioned.push(...ids);
  out.runId = run.id;
  return out;
}

// Lifecycle operations on one user. The new status is stored, the engine plans that user
// against the active rule set and the stored observed accounts, and the status change, the
// run, its outbox actions and the audit events are written in ONE batch.
import { eq, sql } from 'drizzle-orm';
import type { Action, UserStatus } from '../../engine/types.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Statement, WriteContext } from '../db/index.ts';
import { isConstraintError } from '../db/index.ts';
import type { Identity, Run } from '../db/repos/index.ts';
import { getIdentity } from '../db/repos/index.ts';
import { DELETED, heldRunOf, statusChangeInserts } from '../db/repos/run-status-changes.ts';
import { identities, runStatusChanges } from '../db/schema.ts';
import { ApiError, conflict, notFound } from '../http/errors.ts';
import type { Runtime } from '../runtime.ts';
import { countActions, heldReasons, loadRuleSet, planUsers, toUser } from './engine.ts';
import { newRun, runEvent, runStatements } from './run-writes.ts';

export const LIFECYCLE_OPERATIONS = {
  activate: { from: ['STAGED', 'PROVISIONED'], to: 'ACTIVE' },
  suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
  unsuspend: { from: ['SUSPENDED'], to: 'ACTIVE' },
  deactivate: { from: ['STAGED', 'PROVISIONED', 'ACTIVE', 'SUSPENDED'], to: 'DEPROVISIONED' },
  reactivate: { from: ['DEPROVISIONED'], to: 'ACTIVE' },
  /** Only a deactivated user may be deleted; the identity row goes (once its run is approved, when held), its accounts per app policy. */
  delete: { from: ['DEPROVISIONED'], to: 'DEPROVISIONED' },
} as const satisfies Record<string, { from: readonly UserStatus[]; to: UserStatus }>;

export type LifecycleOperation = keyof typeof LIFECYCLE_OPERATIONS;
export const LIFECYCLE_OPERATION_NAMES = Object.keys(LIFECYCLE_OPERATIONS) as [LifecycleOperation, ...LifecycleOperation[]];

export interface LifecycleResult {
  user: Identity | null;
  run: Run | null;
  actions: Action[];
  /** False while the run is held: the change (a delete too) waits for its approval. */
  applied: boolean;
}

export async function applyLifecycle(runtime: Runtime, id: string, operation: LifecycleOperation, ctx: WriteContext): Promise<LifecycleResult> {
  const { db } = runtime;
  const current = await getIdentity(db, id);
  if (!current) throw notFound(`no user \`${id}\``);
  const rule = LIFECYCLE_OPERATIONS[operation];
  if (!(rule.from as readonly string[]).includes(current.status)) {
    throw new ApiError(409, 'invalid_transition', `cannot ${operation} a user who is \`${current.status}\` (needs ${rule.from.map((s) => `\`${s}\``).join(' or ')})`);
  }
  // A status change waiting for approval would be undone or overtaken by another one now.
  await refuseWhileHeld(runtime, id);
  const next: Identity = { ...current, status: rule.to, version: current.version + 1, updatedAt: ctx.at };
  const ruleSet = await loadRuleSet(db);
  let run: Run | null = null;
  let actions: Action[] = [];
  if (ruleSet) {
    const { plan } = await planUsers(db, ruleSet, [toUser(next)], ctx.at);
    actions = plan.actions;
    const reasons = heldReasons(plan);
    run = newRun({ id: runtime.newId(), kind: 'lifecycle', status: reasons.length > 0 ? 'held' : 'planned', ruleSetVersion: plan.version, asOf: plan.asOf, summary: { operation, userId: id, from: current.status, to: rule.to, actions: countActions(plan) }, heldReasons: reasons }, ctx.at);
  }
  const deleting = operation === 'delete';
  // A held run's change waits with its actions (as a held import's does): approval applies both,
  // rejection drops both. A held delete too: the identity and its memberships stay until then.
  const waits = run?.status === 'held';
  const events: AuditEvent[] = [{ ...ctx, type: deleting && !waits ? 'identity.delete' : 'identity.lifecycle', subject: id, data: { operation, from: current.status, to: rule.to, version: waits ? current.version : next.version, runId: run?.id ?? null, ...(waits ? { held: true } : {}) } }];
  if (run) events.push(runEvent(run, actions, ctx));
  // NULL breaks NOT NULL: a concurrent change fails the whole batch (run included), also before
  // a delete, so a user changed meanwhile is never deleted on stale grounds; so does a status
  // change another request held for the user since the check above.
  const unchanged = sql`${identities.version} = ${current.version} AND NOT EXISTS (SELECT 1 FROM ${runStatusChanges} WHERE ${runStatusChanges.userId} = ${id})`;
  const statements = (): Statement[] => [
    db
      .update(identities)
      .set(waits ? { version: sql`CASE WHEN ${unchanged} THEN ${current.version} ELSE NULL END` } : { status: rule.to, version: sql`CASE WHEN ${unchanged} THEN ${next.version} ELSE NULL END`, updatedAt: ctx.at })
      .where(eq(identities.id, id)),
    // Its memberships, binding and SCIM row go with it (the identity delete triggers, migrations 0008-0009).
    ...(deleting && !waits ? [db.delete(identities).where(eq(identities.id, id))] : []),
    ...(run ? runStatements(db, run, actions, ctx.at, [id]) : []),
    ...(run && waits ? statusChangeInserts(db, [{ runId: run.id, userId: id, fromStatus: current.status, toStatus: deleting ? DELETED : rule.to }]) : []),
  ];
  try {
    await writeWithAudit(db, events, statements);
  } catch (error) {
    if (!isConstraintError(error, 'identities.version')) throw error;
    await refuseWhileHeld(runtime, id);
    throw conflict(`user \`${id}\` changed meanwhile: read it again and retry`);
  }
  return { user: waits ? current : deleting ? null : next, run, actions, applied: !waits };
}

/** 409 `held` while a held run carries a status change of the user. */
async function refuseWhileHeld(runtime: Runtime, id: string): Promise<void> {
  const waiting = await heldRunOf(runtime.db, id);
  if (waiting !== undefined) throw new ApiError(409, 'held', `user \`${id}\` has a status change waiting in held run \`${waiting}\`: approve or reject it first`);
}

// What a SCIM write asks of the engine: the users it touched are evaluated and planned with the
// active rule set, and the run with its outbox actions joins the SAME batch as the identity
// write and its audit events (edge/db THE RULE), so a change and the provisioning it causes
// commit together or not at all (statements from edge/services/run-writes.ts).
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, Statement, WriteContext } from '../../db/index.ts';
import type { Identity } from '../../db/repos/identities.ts';
import { nothingToWrite, observedState } from '../../db/repos/index.ts';
import { heldReasons, loadRuleSet, planUsers, toUser } from '../../services/engine.ts';
import { newRun, runEvent, runStatements } from '../../services/run-writes.ts';

export interface PlannedWrite {
  statements: Statement[];
  events: AuditEvent[];
  runId?: string;
  actions: number;
}

const NOTHING: PlannedWrite = { statements: [], events: [], actions: 0 };

/** A group's members as they will be after the write: rules read them through `groups`. */
export interface MembershipChange {
  groupId: string;
  added: readonly string[];
  removed: readonly string[];
}

/** Plans `users` as they will be after the write (no active rule set: nothing to plan). */
export async function planWrite(db: Db, users: readonly Identity[], ctx: WriteContext, newId: () => string, change?: MembershipChange): Promise<PlannedWrite> {
  if (users.length === 0) return NOTHING;
  const ruleSet = await loadRuleSet(db);
  if (!ruleSet) return NOTHING;
  const observed = change ? afterChange(await observedState(db, users.map((u) => u.id)), change) : undefined;
  const { plan } = await planUsers(db, ruleSet, users.map(toUser), ctx.at, observed);
  // Nothing to queue and nothing waiting it no longer wants (a leaver's queued accounts): no run.
  if (plan.actions.length === 0 && (await nothingToWrite(db, users.map((u) => u.id), []))) return NOTHING;
  const run = newRun(
    {
      id: newId(),
      kind: 'reconcile',
      status: plan.held ? 'held' : 'planned',
      ruleSetVersion: ruleSet.version,
      asOf: ctx.at,
      summary: { trigger: 'scim', users: users.length, actions: plan.actions.length },
      heldReasons: heldReasons(plan),
    },
    ctx.at,
  );
  return { statements: runStatements(db, run, plan.actions, ctx.at, users.map((u) => u.id)), events: [runEvent(run, plan.actions, ctx)], runId: run.id, actions: plan.actions.length };
}

function afterChange(observed: Awaited<ReturnType<typeof observedState>>, change: MembershipChange): typeof observed {
  const removed = new Set(change.removed);
  const memberships = observed.memberships.filter((m) => m.groupId !== change.groupId || !removed.has(m.userId));
  for (const userId of change.added) {
    if (!memberships.some((m) => m.userId === userId && m.groupId === change.groupId)) memberships.push({ userId, groupId: change.groupId });
  }
  return { ...observed, memberships };
}

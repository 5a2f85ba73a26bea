// Plans some identities against the active rules and queues the actions: one run and its
// outbox rows in ONE batch (edge/db/repos/runs.ts). Used by JIT at login (one user) and after
// an import when no reconcile service is given. Nothing is written when nothing is to do.
import { makeContext } from '../../engine/context.ts';
import { evaluateUser } from '../../engine/evaluate.ts';
import { plan } from '../../engine/plan.ts';
import type { DesiredUser, Plan, RuleSet, User } from '../../engine/types.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { observedState } from '../db/repos/accounts.ts';
import type { Identity } from '../db/repos/identities.ts';
import { createRun, nothingToWrite } from '../db/repos/runs.ts';
import type { RunKind } from '../db/schema.ts';

export interface PlannedUsers {
  desired: DesiredUser[];
  plan: Plan;
  /** The run written, when the plan had actions. */
  runId?: string;
  queued: number;
  /** Time spent in the engine (evaluate + plan), in milliseconds. */
  engineMs: number;
}

/** The engine's view of an identity: its profile, id, status and login. */
export function toUser(identity: Pick<Identity, 'id' | 'login' | 'status' | 'profile'>): User {
  return { ...identity.profile, id: identity.id, login: identity.login, status: identity.status as User['status'] };
}

export async function planIdentities(
  db: Db,
  ruleSet: RuleSet,
  identities: readonly Pick<Identity, 'id' | 'login' | 'status' | 'profile'>[],
  options: { kind: RunKind; runId: string; ruleSetVersion?: string },
  ctx: WriteContext,
): Promise<PlannedUsers> {
  const observed = await observedState(db, identities.map((i) => i.id));
  const started = performance.now();
  const evalCtx = makeContext(ctx.at);
  const desired = identities.map((identity) => evaluateUser(ruleSet, toUser(identity), evalCtx));
  const planned = plan(ruleSet, desired, observed, evalCtx);
  const engineMs = performance.now() - started;
  // Nothing new to queue and nothing waiting it no longer wants (a leaver's queued accounts): no run.
  if (await nothingToWrite(db, identities.map((i) => i.id), planned.actions.map((a) => a.id))) return { desired, plan: planned, queued: 0, engineMs };
  const run = await createRun(
    db,
    {
      id: options.runId,
      kind: options.kind,
      status: planned.held ? 'held' : 'planned',
      ruleSetVersion: options.ruleSetVersion ?? planned.version,
      asOf: ctx.at,
      summary: { users: identities.length, actions: planned.actions.length },
      heldReasons: (planned.holds ?? []).flatMap((h) => h.reasons),
      plannedUsers: identities.map((i) => i.id),
    },
    planned.actions,
    ctx,
  );
  if (!run.ok) throw new Error(run.message);
  return { desired, plan: planned, runId: options.runId, queued: run.value.queued, engineMs };
}

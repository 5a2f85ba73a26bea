// Provision on demand (Entra's name for it): one user planned now against the active rules and
// what the apps hold, and everything waiting for them delivered now, in the request, through
// the runtime's dispatcher (the same claims, limits, retries and quarantine as the background).
// The answer says, per action, what happened, and for what still waits, why it waits.
import { and, asc, eq, gt, gte, inArray, isNull, or } from 'drizzle-orm';
import type { WriteContext } from '../db/index.ts';
import type { Identity, OutboxRow, Run } from '../db/repos/index.ts';
import { getIdentity, listApps } from '../db/repos/index.ts';
import { outbox } from '../db/schema.ts';
import { connectorDefinitions } from '../connectors/registry.ts';
import { notFound } from '../http/errors.ts';
import { dispatchBatch } from '../queues/dispatch.ts';
import type { Runtime } from '../runtime.ts';
import { toUser } from './engine.ts';
import { reconcile } from './reconcile.ts';

export interface ProvisionedAction {
  row: OutboxRow;
  /** Why it is not done yet, in words; absent once done or cancelled. */
  waiting?: string;
}

export interface Provisioned {
  user: Identity;
  run: Run;
  /** The user's actions this request planned or delivered, all that still wait, and the groups their pushes need, by id. */
  actions: ProvisionedAction[];
}

export async function provisionNow(runtime: Runtime, userId: string, ctx: WriteContext): Promise<Provisioned> {
  const { db } = runtime;
  const user = await getIdentity(db, userId);
  if (!user) throw notFound(`no user \`${userId}\``);
  const { run } = await reconcile(runtime, { users: [toUser(user)] }, ctx);
  const waiting = await db
    .select({ id: outbox.id, type: outbox.type, appId: outbox.appId, groupId: outbox.groupId })
    .from(outbox)
    .where(and(eq(outbox.userId, userId), inArray(outbox.status, WAITING)));
  // A membership pushed to an app needs the group there first: its waiting create or update goes first.
  const pushes = waiting.filter((w) => w.type.startsWith('membership.') && w.appId !== null && w.groupId !== null);
  const pushed = new Set(pushes.map((p) => `${p.appId}\u0000${p.groupId}`));
  // Waiting group work is a few rows (groups × apps): read it all and keep those pushes need, so
  // the statement binds no value per push (D1 binds at most 100).
  const groupWork = pushes.length === 0 ? [] : await db
    .select({ id: outbox.id, appId: outbox.appId, groupId: outbox.groupId })
    .from(outbox)
    .where(and(isNull(outbox.userId), inArray(outbox.status, WAITING), inArray(outbox.type, ['group.create', 'group.update'])));
  const groupIds = groupWork.filter((g) => pushed.has(`${g.appId}\u0000${g.groupId}`)).map((g) => g.id);
  if (run.status !== 'held' && waiting.length > 0) {
    // A failed action waiting out its backoff is tried now: that is what was asked for.
    await db
      .update(outbox)
      .set({ nextAttemptAt: ctx.at })
      .where(and(or(eq(outbox.userId, userId), groupIds.length > 0 ? inArray(outbox.id, groupIds) : undefined), eq(outbox.status, 'failed'), gt(outbox.nextAttemptAt, ctx.at)));
    if (groupIds.length > 0) await dispatchBatch(runtime, groupIds);
    await dispatchBatch(runtime, waiting.map((w) => w.id));
  }
  // What this run planned, what was delivered (or failed) just now, and whatever still waits.
  const rows = await db
    .select()
    .from(outbox)
    .where(or(and(eq(outbox.userId, userId), or(eq(outbox.runId, run.id), gte(outbox.updatedAt, ctx.at), inArray(outbox.status, ['held', 'delivering', ...WAITING]))), groupIds.length > 0 ? inArray(outbox.id, groupIds) : undefined))
    .orderBy(asc(outbox.id));
  const because = await waitingReasons(runtime, run, runtime.now());
  return { user, run, actions: rows.map((row) => ({ row, ...optional(because(row)) })) };
}

const WAITING: ('pending' | 'failed')[] = ['pending', 'failed'];
const optional = (waiting: string | undefined) => (waiting === undefined ? {} : { waiting });

/** Why an action is still waiting after the delivery attempt, or undefined when it is settled. */
async function waitingReasons(runtime: Runtime, run: Run, now: string): Promise<(row: OutboxRow) => string | undefined> {
  const apps = new Map((await listApps(runtime.db)).map((a) => [a.id, a]));
  return (row) => {
    if (row.status === 'done' || row.status === 'cancelled') return undefined;
    if (row.status === 'held') return `held with run \`${row.runId}\` until it is approved${row.runId === run.id && run.heldReasons.length > 0 ? `: ${run.heldReasons.join('; ')}` : ''}`;
    if (row.status === 'dead') return `gave up after ${row.attempts} tries: ${row.lastError ?? 'no error recorded'} (retry it from the app's failed deliveries)`;
    if (row.notBefore !== null && row.notBefore > now) return `scheduled for ${row.notBefore}`;
    const app = row.appId === null ? undefined : apps.get(row.appId);
    if (row.appId !== null && !app) return `app \`${row.appId}\` has no connection yet: register it (POST /v1/apps) and its actions are delivered`;
    if (app && !connectorDefinitions.has(app.connector)) return `delivered by the directory agent (\`${app.connector}\`), which takes it on its next pull`;
    if (app?.status === 'quarantined') return `app \`${app.id}\` is quarantined until ${app.quarantinedUntil ?? 'released'}`;
    if (row.status === 'failed') return `failed (try ${row.attempts}): ${row.lastError ?? 'no error recorded'}; tried again at ${row.nextAttemptAt}`;
    return `not delivered yet (${row.status})`;
  };
}

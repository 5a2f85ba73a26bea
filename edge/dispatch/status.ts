// What the API shows of delivery: dead letters with their last error, each app's delivery
// state (quarantine with its reason, config errors, outbox counts), and a dead letter's retry.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../db/index.ts';
import { fail, ok } from '../db/index.ts';
import { listApps } from '../db/repos/apps.ts';
import { auditEvents, outbox } from '../db/schema.ts';
import { checkConfig, connectorDefinitions } from '../connectors/registry.ts';

export interface DeadLetter {
  id: string;
  type: string;
  appId: string | null;
  userId: string | null;
  groupId: string | null;
  attempts: number;
  lastError: string | null;
  deadAt: string;
}

export async function deadLetters(db: Db, filter: { appId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  const where = [eq(outbox.status, 'dead')];
  if (filter.appId) where.push(eq(outbox.appId, filter.appId));
  const rows = await db
    .select({ id: outbox.id, type: outbox.type, appId: outbox.appId, userId: outbox.userId, groupId: outbox.groupId, attempts: outbox.attempts, lastError: outbox.lastError, deadAt: outbox.updatedAt })
    .from(outbox)
    .where(and(...where))
    .orderBy(desc(outbox.updatedAt), asc(outbox.id))
    .limit(Math.min(filter.limit ?? 100, 1000));
  return rows;
}

/** Puts a dead letter back in the queue with a fresh count of tries. */
export async function retryDeadLetter(db: Db, id: string, ctx: WriteContext): Promise<Outcome<{ id: string }, 'not_found' | 'conflict'>> {
  const [row] = await db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, id)).limit(1);
  if (!row) return fail('not_found', `no action \`${id}\``);
  if (row.status !== 'dead') return fail('conflict', `action \`${id}\` is \`${row.status}\`, not dead`);
  await writeWithAudit(db, [{ ...ctx, type: 'action.retry', subject: id }], () => [
    db.update(outbox).set({ status: 'pending', attempts: 0, nextAttemptAt: ctx.at, updatedAt: ctx.at }).where(and(eq(outbox.id, id), eq(outbox.status, 'dead'))),
  ]);
  return ok({ id });
}

export interface AppDelivery {
  id: string;
  name: string;
  connector: string;
  status: string;
  quarantinedUntil: string | null;
  quarantineReason: string | null;
  configErrors: string[];
  outbox: Record<string, number>;
}

export async function appDelivery(db: Db): Promise<AppDelivery[]> {
  const counts = await db.select({ appId: outbox.appId, status: outbox.status, n: sql<number>`count(*)` }).from(outbox).groupBy(outbox.appId, outbox.status);
  const out: AppDelivery[] = [];
  for (const app of await listApps(db)) {
    const definition = connectorDefinitions.get(app.connector);
    const checked = definition ? checkConfig(definition.config, app.config) : undefined;
    let reason: string | null = null;
    if (app.status === 'quarantined') {
      const [event] = await db.select({ data: auditEvents.data }).from(auditEvents).where(and(eq(auditEvents.type, 'app.quarantine'), eq(auditEvents.subject, app.id))).orderBy(desc(auditEvents.seq)).limit(1);
      reason = typeof event?.data.reason === 'string' ? event.data.reason : null;
    }
    out.push({
      id: app.id,
      name: app.name,
      connector: app.connector,
      status: app.status,
      quarantinedUntil: app.quarantinedUntil,
      quarantineReason: reason,
      configErrors: checked && !checked.ok ? checked.errors : definition ? [] : [`no \`${app.connector}\` connector runs in the dispatcher (the agent may deliver it)`],
      outbox: Object.fromEntries(counts.filter((c) => c.appId === app.id).map((c) => [c.status, Number(c.n)])),
    });
  }
  return out;
}

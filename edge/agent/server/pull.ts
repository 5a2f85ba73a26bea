// The edge's side of the agent protocol: hand out due actions of one directory app (claimed as
// `delivering`, so nothing else delivers them), take results back, and take back actions whose
// agent vanished (its lease ran out). An action is settled only by a reported result, so an
// agent killed mid-action gets it again after the lease and applies it idempotently.
import { and, eq, lt, sql } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import { dispatchSettings } from '../../connectors/settings.ts';
import type { Db, WriteContext } from '../../db/index.ts';
import { getAccount } from '../../db/repos/accounts.ts';
import type { App } from '../../db/repos/apps.ts';
import { claimActions, dueActions, getAction } from '../../db/repos/outbox.ts';
import type { OutboxRow } from '../../db/repos/runs.ts';
import { outbox } from '../../db/schema.ts';
import { addMs } from '../../dispatch/backoff.ts';
import { decide } from '../../dispatch/deliver.ts';
import { settle } from '../../dispatch/settle.ts';
import { unseal } from '../../services/passwords.ts';
import type { AgentResult, AgentWork } from '../wire.ts';

/** Actions of `appId` still `delivering` after the lease go back to `failed`, due at once. */
export async function reclaimExpired(db: Db, appId: string, leaseMs: number, ctx: WriteContext): Promise<number> {
  const cutoff = addMs(ctx.at, -leaseMs);
  const where = and(eq(outbox.appId, appId), eq(outbox.status, 'delivering'), lt(outbox.updatedAt, cutoff));
  const stale = await db.select({ id: outbox.id }).from(outbox).where(where).limit(500);
  if (stale.length === 0) return 0;
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'action.recovered', data: { appId, count: stale.length, cutoff } }], () => [
    db.update(outbox).set({ status: 'failed', lastError: 'agent lease expired before a result; re-delivered (the agent looks before it writes)', nextAttemptAt: ctx.at, updatedAt: ctx.at }).where(where).returning({ id: outbox.id }),
  ])) as { id: string }[][];
  return rows?.length ?? 0;
}

export async function toWork(db: Db, sealKey: CryptoKey, row: OutboxRow): Promise<AgentWork> {
  const action = row.payload;
  const link = action.userId !== undefined && action.appId !== undefined ? await getAccount(db, action.userId, action.appId) : undefined;
  let password: string | undefined;
  const sealed = action.attributes?.password;
  if (action.type === 'password.set' && sealed !== null && typeof sealed === 'object' && !Array.isArray(sealed) && typeof sealed.sealed === 'string') {
    password = await unseal(sealKey, sealed.sealed, `${action.userId}:${action.appId}`);
  }
  const { password: _sealed, ...attributes } = action.attributes ?? {};
  return {
    id: row.id,
    attempts: row.attempts,
    action: action.attributes ? { ...action, attributes } : action,
    ...(link ? { link: { externalId: link.externalId, attributes: link.attributes } } : {}),
    ...(password !== undefined ? { password } : {}),
  };
}

/** Claims up to `limit` due actions of the app; empty when none is due. */
export async function claimFor(db: Db, appId: string, limit: number, now: string): Promise<OutboxRow[]> {
  const due = await dueActions(db, now, { appId, limit });
  if (due.length === 0) return [];
  return claimActions(db, due.map((r) => r.id), now);
}

export type Reported = { ok: true; outcome: 'done' | 'retry' | 'dead' | 'released' } | { ok: false; code: 'not_found' | 'conflict'; message: string };

/** Settles one reported result (guarded on `delivering`: a late or repeated report changes nothing). */
export async function reportResult(db: Db, app: App, id: string, result: AgentResult, ctx: WriteContext): Promise<Reported> {
  const row = await getAction(db, id);
  if (!row || row.appId !== app.id) return { ok: false, code: 'not_found', message: `no action \`${id}\` for app \`${app.id}\`` };
  if (row.status !== 'delivering') return { ok: false, code: 'conflict', message: `action \`${id}\` is \`${row.status}\`, not awaiting a result` };
  if (!result.ok && result.unreachable) {
    // Not the action's fault: it goes back without spending a try.
    const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'action.released', subject: id, data: { appId: app.id, error: result.error.slice(0, 500) } }], () => [
      db
        .update(outbox)
        .set({ status: 'failed', attempts: sql`max(${outbox.attempts} - 1, 0)`, lastError: result.error.slice(0, 2000), nextAttemptAt: addMs(ctx.at, 1000), updatedAt: ctx.at })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'delivering')))
        .returning({ id: outbox.id }),
    ])) as { id: string }[][];
    return rows?.length ? { ok: true, outcome: 'released' } : { ok: false, code: 'conflict', message: `action \`${id}\` was settled meanwhile` };
  }
  const settlement = decide(result, row, dispatchSettings(app.config), { now: () => ctx.at });
  const link = row.userId ? await getAccount(db, row.userId, app.id) : undefined;
  const written = await settle(db, row, link, settlement, ctx);
  return written ? { ok: true, outcome: settlement.kind } : { ok: false, code: 'conflict', message: `action \`${id}\` was settled meanwhile` };
}

// Delivers outbox actions named by a dispatch message. The outbox row is the truth: an action
// is delivered only if it is still due when claimed (a conditional UPDATE, so two consumers
// never deliver it at once), and every outcome is written back with its audit event.
//
// Connectors register a `Deliverer` per connector kind (`scim`, `ldap`, `manual`…) in
// `deliverers`; that is the part a later issue fills. An action whose app has no deliverer
// (or is quarantined) is left untouched and reported as waiting, so nothing is lost or
// dead-lettered before its connector exists.
import { inArray } from 'drizzle-orm';
import type { Action } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';
import { chunkRows, paramLimit } from '../db/index.ts';
import type { App } from '../db/repos/apps.ts';
import { listApps } from '../db/repos/apps.ts';
import { claimActions, completeAction, failAction } from '../db/repos/outbox.ts';
import type { OutboxRow } from '../db/repos/runs.ts';
import { outbox } from '../db/schema.ts';
import type { Runtime } from '../runtime.ts';

export type Delivery = { ok: true } | { ok: false; error: string; retryable: boolean; retryAfterSeconds?: number };

export interface Deliverer {
  deliver(action: Action, app: App, runtime: Runtime): Promise<Delivery>;
}

/** Deliverers by connector kind. Connectors add themselves here. */
export const deliverers = new Map<string, Deliverer>();

/** After this many attempts a failing action is dead-lettered (`dead`), never retried. */
export const MAX_ATTEMPTS = 8;

export interface DispatchReport {
  delivered: string[];
  /** Failed, to be retried when due (the cron's outbox sweep enqueues it again). */
  failed: string[];
  dead: string[];
  /** Due, but no deliverer for its app's connector yet, or the app is quarantined. */
  waiting: { id: string; reason: string }[];
  /** Not due (done, held, cancelled, scheduled later) or claimed by another consumer. */
  skipped: string[];
}

export async function dispatchBatch(runtime: Runtime, actionIds: readonly string[], registry: ReadonlyMap<string, Deliverer> = deliverers): Promise<DispatchReport> {
  const report: DispatchReport = { delivered: [], failed: [], dead: [], waiting: [], skipped: [] };
  const now = runtime.now();
  const rows = await loadActions(runtime.db, actionIds);
  const apps = new Map((await listApps(runtime.db)).map((app) => [app.id, app]));
  const ready = new Map<string, Route>();
  for (const row of rows) {
    const route = routeOf(row, apps, registry, now);
    if (route === 'not due') report.skipped.push(row.id);
    else if (typeof route === 'string') report.waiting.push({ id: row.id, reason: route });
    else ready.set(row.id, route);
  }
  const found = new Set(rows.map((r) => r.id));
  report.skipped.push(...actionIds.filter((id) => !found.has(id)));
  const claimed = await claimActions(runtime.db, [...ready.keys()], now);
  const won = new Set(claimed.map((r) => r.id));
  report.skipped.push(...[...ready.keys()].filter((id) => !won.has(id)));
  for (const row of claimed) {
    const { app, deliverer } = ready.get(row.id) as Route;
    const ctx = { at: runtime.now(), actor: 'dispatcher' };
    let result: Delivery;
    try {
      result = await deliverer.deliver(row.payload, app, runtime);
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error), retryable: true };
    }
    if (result.ok) {
      await completeAction(runtime.db, row.id, ctx);
      report.delivered.push(row.id);
    } else if (!result.retryable || row.attempts >= MAX_ATTEMPTS) {
      await failAction(runtime.db, row.id, { error: result.error }, ctx);
      report.dead.push(row.id);
    } else {
      await failAction(runtime.db, row.id, { error: result.error, retryAt: retryAt(ctx.at, row.attempts, result.retryAfterSeconds) }, ctx);
      report.failed.push(row.id);
    }
    runtime.log({ level: result.ok ? 'info' : 'warn', msg: 'action dispatched', actionId: row.id, type: row.type, appId: row.appId, attempts: row.attempts, ok: result.ok, ...(result.ok ? {} : { error: result.error }) });
  }
  return report;
}

interface Route {
  app: App;
  deliverer: Deliverer;
}

async function loadActions(db: Db, ids: readonly string[]): Promise<OutboxRow[]> {
  const rows: OutboxRow[] = [];
  for (const chunk of chunkRows(ids, 1, paramLimit(db))) rows.push(...(await db.select().from(outbox).where(inArray(outbox.id, chunk))));
  return rows;
}

/** Where a due action goes, or why it waits (`not due` when it is not the dispatcher's now). */
function routeOf(row: OutboxRow, apps: ReadonlyMap<string, App>, registry: ReadonlyMap<string, Deliverer>, now: string): Route | string {
  if ((row.status !== 'pending' && row.status !== 'failed') || row.nextAttemptAt > now) return 'not due';
  const app = row.appId === null ? undefined : apps.get(row.appId);
  if (app === undefined) return row.appId === null ? 'no app to deliver to' : `unknown app \`${row.appId}\``;
  if (app.status === 'quarantined' && (app.quarantinedUntil === null || app.quarantinedUntil > now)) return `app \`${app.id}\` is quarantined`;
  const deliverer = registry.get(app.connector);
  if (deliverer === undefined) return `no connector for \`${app.connector}\` yet`;
  return { app, deliverer };
}

/** Exponential backoff from 30 s, capped at 6 h; a connector's Retry-After wins when longer. */
export function retryAt(at: string, attempts: number, retryAfterSeconds?: number): string {
  const backoff = Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
  const seconds = Math.max(backoff, retryAfterSeconds ?? 0);
  return new Date(Date.parse(at) + seconds * 1000).toISOString();
}

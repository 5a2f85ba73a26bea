// Reports: flat rows with fixed columns, so the same data renders as JSON or CSV.
import { and, asc, count, desc, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { makeContext } from '../../engine/context.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { USER_STATUSES } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';
import { getIdentities, listApps, listManualTasks } from '../db/repos/index.ts';
import { appAccounts, identities, outbox, runs } from '../db/schema.ts';
import type { CsvCell } from '../http/csv.ts';
import { ruleApps } from './defined.ts';
import { loadRuleSet, toUser } from './engine.ts';

export interface Report {
  columns: string[];
  rows: Record<string, CsvCell>[];
}

/** Identities per lifecycle status, every status listed (0 when none). */
export async function identitiesByStatus(db: Db): Promise<Report> {
  const counts = new Map((await db.select({ status: identities.status, n: count() }).from(identities).groupBy(identities.status)).map((r) => [r.status, Number(r.n)]));
  return { columns: ['status', 'count'], rows: USER_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 })) };
}

/** Accounts per app by status; `licensed` counts the accounts that hold a seat (not deactivated). */
export async function accountsPerApp(db: Db): Promise<Report> {
  const counts = await db.select({ appId: appAccounts.appId, status: appAccounts.status, n: count() }).from(appAccounts).groupBy(appAccounts.appId, appAccounts.status);
  // Every app the active rules define or a connection is registered for, with or without accounts.
  const apps = new Map<string, string>([...(await ruleApps(db)).values()].map((a) => [a.id, a.name]));
  for (const a of await listApps(db)) apps.set(a.id, a.name);
  const byApp = new Map<string, Record<string, CsvCell>>();
  const row = (appId: string) => {
    let r = byApp.get(appId);
    if (!r) byApp.set(appId, (r = { appId, name: apps.get(appId) ?? null, active: 0, suspended: 0, deactivated: 0, licensed: 0, total: 0 }));
    return r;
  };
  for (const id of apps.keys()) row(id);
  for (const { appId, status, n } of counts) {
    const r = row(appId);
    r[status] = Number(n);
    r.total = (r.total as number) + Number(n);
    if (status !== 'deactivated') r.licensed = (r.licensed as number) + Number(n);
  }
  const rows = [...byApp.values()].sort((a, b) => String(a.appId).localeCompare(String(b.appId)));
  return { columns: ['appId', 'name', 'active', 'suspended', 'deactivated', 'licensed', 'total'], rows };
}

/** Live accounts with no identity behind them, or whose identity the active rules do not assign the app. */
export async function orphanedAccounts(db: Db, asOf: string): Promise<Report> {
  const accounts = await db.select().from(appAccounts).where(ne(appAccounts.status, 'deactivated')).orderBy(asc(appAccounts.appId), asc(appAccounts.userId));
  const identities = new Map((await getIdentities(db, [...new Set(accounts.map((a) => a.userId))])).map((i) => [i.id, i]));
  const ruleSet = await loadRuleSet(db);
  const assigned = new Set<string>();
  if (ruleSet) {
    for (const desired of evaluate(ruleSet, [...identities.values()].map(toUser), makeContext(asOf))) {
      if (desired.status === 'DEPROVISIONED') continue;
      for (const account of desired.accounts) assigned.add(`${desired.userId}\u0000${account.appId}`);
    }
  }
  const rows: Record<string, CsvCell>[] = [];
  for (const a of accounts) {
    const identity = identities.get(a.userId);
    const reason = !identity ? 'no identity' : ruleSet && !assigned.has(`${a.userId}\u0000${a.appId}`) ? 'not assigned by the active rules' : undefined;
    if (reason) rows.push({ appId: a.appId, userId: a.userId, externalId: a.externalId, status: a.status, role: a.role, observedAt: a.observedAt, reason });
  }
  return { columns: ['appId', 'userId', 'externalId', 'status', 'role', 'observedAt', 'reason'], rows };
}

export async function pendingManualTasks(db: Db): Promise<Report> {
  const tasks = await listManualTasks(db, { status: 'open' });
  return {
    columns: ['id', 'appId', 'userId', 'description', 'owners', 'createdAt'],
    rows: tasks.map((t) => ({ id: t.id, appId: t.appId, userId: t.userId, description: t.description, owners: t.owners.join(' '), createdAt: t.createdAt })),
  };
}

const DEPROVISION_TYPES = ['account.suspend', 'account.deactivate', 'account.delete'] as const;

/** Deprovisioning actions planned in [from, to) that were not cancelled, with their delivery state. */
export async function deprovisions(db: Db, from: string, to: string): Promise<Report> {
  const rows = await db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.type, [...DEPROVISION_TYPES]), gte(outbox.createdAt, from), lt(outbox.createdAt, to), ne(outbox.status, 'cancelled')))
    .orderBy(asc(outbox.createdAt), asc(outbox.id));
  return {
    columns: ['createdAt', 'type', 'userId', 'appId', 'status', 'notBefore', 'runId', 'actionId', 'reason'],
    rows: rows.map((r) => ({ createdAt: r.createdAt, type: r.type, userId: r.userId, appId: r.appId, status: r.status, notBefore: r.notBefore, runId: r.runId, actionId: r.id, reason: r.payload.reason.summary })),
  };
}

/** Actions planned per day (UTC) and type in [from, to), cancelled ones (a rejected run's) left out. */
export async function actionsPerDay(db: Db, from: string, to: string): Promise<Report> {
  const day = sql<string>`substr(${outbox.createdAt}, 1, 10)`;
  const rows = await db
    .select({ day, type: outbox.type, count: count() })
    .from(outbox)
    .where(and(gte(outbox.createdAt, from), lt(outbox.createdAt, to), ne(outbox.status, 'cancelled')))
    .groupBy(day, outbox.type)
    .orderBy(day, outbox.type);
  return { columns: ['day', 'type', 'count'], rows };
}

export async function heldRuns(db: Db): Promise<Report> {
  const rows = await db.select().from(runs).where(inArray(runs.status, ['held'])).orderBy(desc(runs.createdAt));
  return {
    columns: ['id', 'kind', 'createdAt', 'ruleSetVersion', 'actions', 'heldReasons'],
    rows: rows.map((r) => ({ id: r.id, kind: r.kind, createdAt: r.createdAt, ruleSetVersion: r.ruleSetVersion, actions: JSON.stringify(r.summary.actions ?? {}), heldReasons: r.heldReasons.join('; ') })),
  };
}

// Import from an app: read every account (and group) through its connector, correlate the
// accounts with identities by the app's matching rules, and write the import run, its items and
// the links it may make (linked accounts refreshed; single matches linked when the app says
// `autoConfirm`) in one batch. Disputed and unconfirmed matches wait for an admin. A failed or
// empty read writes no links and removes none: its health tells the planner not to deprovision.
import { and, desc, eq, like, sql } from 'drizzle-orm';
import type { ObservedHealth, ObservedState } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, JsonObject, Statement } from '../../db/index.ts';
import { chunkRows, paramLimit } from '../../db/index.ts';
import { accountId } from '../../db/repos/accounts.ts';
import { getApp } from '../../db/repos/apps.ts';
import { appAccounts, appImportItems, identities, importRuns } from '../../db/schema.ts';
import type { ImportDecision } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { buildConnector } from '../registry.ts';
import { openSecrets } from '../secrets.ts';
import { DEFAULT_MATCH, matchRuleSchema } from '../correlation.ts';
import type { ConnectorDeps, ReadResult } from '../types.ts';
import type { Situation } from './correlate.ts';
import { correlate } from './correlate.ts';

export interface ImportSummary {
  importId: string;
  appId: string;
  health: ObservedHealth;
  counts: Record<Situation, number>;
  linked: number;
  pending: number;
  error?: string;
}

export type ReadApp = (runtime: Runtime, appId: string) => Promise<ReadResult>;

/** Reads an app through its registered connector. */
export const readThroughConnector: ReadApp = async (runtime, appId) => {
  const app = await getApp(runtime.db, appId);
  if (!app) return { ok: false, error: `no app \`${appId}\``, retryable: false };
  const deps: ConnectorDeps = { appId, appName: app.name, fetch, now: runtime.now, db: runtime.db, newId: runtime.newId };
  const opened = await openSecrets(runtime.sealKey, appId, app.config);
  if (!opened.ok) return { ok: false, error: opened.error, retryable: false };
  const built = buildConnector(app.connector, opened.config, deps);
  if (!built.ok) return { ok: false, error: built.error, retryable: false };
  if (!built.connector.read) return { ok: false, error: `a \`${app.connector}\` app cannot be read`, retryable: false };
  return built.connector.read();
};

export async function importFromApp(runtime: Runtime, appId: string, read: ReadApp = readThroughConnector): Promise<ImportSummary> {
  const { db } = runtime;
  const at = runtime.now();
  const ctx = { at, actor: 'import' };
  const importId = `app-${appId}-${runtime.newId()}`;
  const counts: Record<Situation, number> = { linked: 0, unlinked: 0, unmatched: 0, deleted: 0, disputed: 0 };
  const app = await getApp(db, appId);
  const config = (app?.config ?? {}) as { match?: unknown; autoConfirm?: unknown };
  const rules = matchRuleSchema.array().safeParse(config.match);
  const autoConfirm = config.autoConfirm === true;
  const result = await read(runtime, appId);
  const links = await db.select().from(appAccounts).where(eq(appAccounts.appId, appId));
  const health: ObservedHealth = !result.ok ? 'failed' : result.accounts.length === 0 && links.length > 0 ? 'empty' : 'ok';
  const run = { id: importId, source: `app:${appId}`, fileName: null, status: result.ok ? ('done' as const) : ('failed' as const), total: result.ok ? result.accounts.length : 0, created: 0, updated: 0, failed: 0, errors: result.ok ? (health === 'empty' ? [{ message: 'the app returned no accounts: nothing is removed or deactivated' }] : []) : [{ message: result.error }], startedAt: at, finishedAt: at };
  if (!result.ok || health === 'empty') {
    await writeWithAudit(db, [{ ...ctx, type: `import.${run.status}`, subject: importId, data: { appId, health } }], () => [db.insert(importRuns).values(run)]);
    return { importId, appId, health, counts, linked: 0, pending: 0, ...(result.ok ? {} : { error: result.error }) };
  }
  const people = await db.select({ id: identities.id, login: identities.login, email: identities.email, profile: identities.profile }).from(identities);
  const views = people.map((p) => ({ id: p.id, attributes: { ...p.profile, login: p.login, ...(p.email !== null ? { email: p.email } : {}) } }));
  const items = correlate(result.accounts, views, links, rules.success ? rules.data : DEFAULT_MATCH);
  const linkByUser = new Map(links.map((l) => [l.userId, l]));
  const rows = items.map((item) => {
    counts[item.situation]++;
    const decision: ImportDecision = item.situation === 'disputed' || (item.situation === 'unlinked' && !autoConfirm) ? 'pending' : item.situation === 'unlinked' ? 'auto' : 'none';
    const userId = item.userId ?? (decision === 'auto' ? item.candidates[0] : undefined);
    return {
      id: `${importId}:${item.externalId}`,
      importId,
      appId,
      externalId: item.externalId,
      situation: item.situation,
      candidates: item.candidates,
      matchedBy: item.matchedBy ?? null,
      userId: userId ?? null,
      account: (item.account ?? {}) as JsonObject,
      decision,
      decidedAt: decision === 'auto' ? at : null,
      decidedBy: decision === 'auto' ? 'autoConfirm' : null,
    };
  });
  // Links for accounts seen in the app: refreshed (linked) or made (auto-confirmed).
  const accounts = rows
    .filter((r) => r.userId !== null && (r.situation === 'linked' || r.decision === 'auto'))
    .map((r) => {
      const item = items.find((i) => i.externalId === r.externalId);
      const link = linkByUser.get(r.userId as string);
      const active = item?.account?.active !== false;
      return { id: link?.id ?? accountId(appId, r.userId as string), userId: r.userId as string, appId, externalId: r.externalId, status: active ? (link?.status === 'suspended' ? 'suspended' : 'active') : 'deactivated', role: link?.role ?? null, attributes: { ...(link?.attributes ?? {}), ...(item?.account?.attributes ?? {}) }, observedAt: at, deactivatedAt: active ? null : (link?.deactivatedAt ?? at) } as const;
    });
  const statements = (): Statement[] => [
    db.insert(importRuns).values({ ...run, created: accounts.filter((a) => !linkByUser.has(a.userId)).length, updated: accounts.filter((a) => linkByUser.has(a.userId)).length }),
    ...chunkRows(rows, 12, paramLimit(db)).map((chunk) => db.insert(appImportItems).values(chunk)),
    ...chunkRows(accounts, 9, paramLimit(db)).map((chunk) =>
      db.insert(appAccounts).values(chunk).onConflictDoUpdate({ target: [appAccounts.userId, appAccounts.appId], set: { externalId: sqlExcluded('external_id'), status: sqlExcluded('status'), attributes: sqlExcluded('attributes'), observedAt: sqlExcluded('observed_at'), deactivatedAt: sqlExcluded('deactivated_at') } }),
    ),
  ];
  await writeWithAudit(db, [{ ...ctx, type: 'import.done', subject: importId, data: { appId, health, ...counts, linkedNow: accounts.length } }], statements);
  return { importId, appId, health, counts, linked: accounts.length, pending: rows.filter((r) => r.decision === 'pending').length };
}

/** Each app's health from its latest import: what the planner must know before deprovisioning. */
export async function appReadHealth(db: Db): Promise<Record<string, ObservedHealth>> {
  const runs = await db.select({ source: importRuns.source, status: importRuns.status, total: importRuns.total, startedAt: importRuns.startedAt, errors: importRuns.errors }).from(importRuns).where(like(importRuns.source, 'app:%')).orderBy(desc(importRuns.startedAt));
  const out: Record<string, ObservedHealth> = {};
  for (const r of runs) {
    const appId = r.source.slice('app:'.length);
    if (appId in out) continue;
    out[appId] = r.status === 'failed' ? 'failed' : r.total === 0 && r.errors.length > 0 ? 'empty' : 'ok';
  }
  return out;
}

/** `state` with every app's read health beside its own: what a population-wide plan reads. */
export async function withReadHealth(db: Db, state: ObservedState): Promise<ObservedState> {
  return { ...state, health: { ...(await appReadHealth(db)), ...state.health } };
}

/** An admin's decision on a pending item: link it to `userId` (one of its candidates) or reject it. */
export async function decideImportItem(runtime: Runtime, itemId: string, decision: { confirm: true; userId?: string } | { confirm: false }, actor: string): Promise<{ ok: true; userId?: string } | { ok: false; code: 'not_found' | 'not_pending' | 'bad_user'; message: string }> {
  const { db } = runtime;
  const [item] = await db.select().from(appImportItems).where(eq(appImportItems.id, itemId)).limit(1);
  if (!item) return { ok: false, code: 'not_found', message: `no import item \`${itemId}\`` };
  if (item.decision !== 'pending') return { ok: false, code: 'not_pending', message: `import item \`${itemId}\` is not waiting for a decision (${item.decision})` };
  const at = runtime.now();
  const guard = and(eq(appImportItems.id, itemId), eq(appImportItems.decision, 'pending'));
  if (!decision.confirm) {
    await writeWithAudit(db, [{ at, actor, type: 'import.reject', subject: itemId, data: { appId: item.appId, externalId: item.externalId } }], () => [db.update(appImportItems).set({ decision: 'rejected', decidedAt: at, decidedBy: actor }).where(guard)]);
    return { ok: true };
  }
  const userId = decision.userId ?? (item.candidates.length === 1 ? item.candidates[0] : undefined);
  if (userId === undefined || !item.candidates.includes(userId)) return { ok: false, code: 'bad_user', message: `choose one of the candidates: ${item.candidates.map((c) => `\`${c}\``).join(', ')}` };
  const account = item.account as { attributes?: JsonObject; active?: boolean };
  const active = account.active !== false;
  await writeWithAudit(db, [{ at, actor, type: 'import.confirm', subject: itemId, data: { appId: item.appId, externalId: item.externalId, userId } }], () => [
    db.update(appImportItems).set({ decision: 'confirmed', userId, decidedAt: at, decidedBy: actor }).where(guard),
    db
      .insert(appAccounts)
      .values({ id: accountId(item.appId, userId), userId, appId: item.appId, externalId: item.externalId, status: active ? 'active' : 'deactivated', role: null, attributes: account.attributes ?? {}, observedAt: at, deactivatedAt: active ? null : at })
      .onConflictDoUpdate({ target: [appAccounts.userId, appAccounts.appId], set: { externalId: item.externalId, status: active ? 'active' : 'deactivated', attributes: account.attributes ?? {}, observedAt: at } }),
  ]);
  return { ok: true, userId };
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded.${column}`);
}

// Drift checks (on demand, and on a schedule beside the dispatcher): read the app, compare with
// the desired state, and store the findings (replacing the app's previous ones). Repair first
// records what the app really holds, then plans the affected users through the engine with the
// read's health — the same safety gates as any run: a plan that crosses a threshold is held.
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { evaluate } from '../../../engine/evaluate.ts';
import { makeContext } from '../../../engine/context.ts';
import type { ObservedHealth } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { JsonObject, Statement } from '../../db/index.ts';
import { chunkRows, paramLimit } from '../../db/index.ts';
import { observedState } from '../../db/repos/accounts.ts';
import { createRun } from '../../db/repos/runs.ts';
import { appAccounts, driftFindings } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { countActions, heldReasons, loadRuleSet, planUsers } from '../../services/engine.ts';
import { allUsers } from '../../services/users.ts';
import type { Finding } from './compare.ts';
import { compareApp, observedAppGroups } from './compare.ts';
import type { ReadApp } from './import.ts';
import { readThroughConnector } from './import.ts';

export interface DriftCheck {
  checkId: string;
  appId: string;
  health: ObservedHealth;
  findings: Finding[];
  error?: string;
}

export async function checkDrift(runtime: Runtime, appId: string, read: ReadApp = readThroughConnector): Promise<DriftCheck & { repair?: RepairInput }> {
  const { db } = runtime;
  const at = runtime.now();
  const checkId = `drift-${appId}-${runtime.newId()}`;
  const ruleSet = await loadRuleSet(db);
  if (!ruleSet) return { checkId, appId, health: 'failed', findings: [], error: 'no rule set is active' };
  const result = await read(runtime, appId);
  const links = await db.select().from(appAccounts).where(eq(appAccounts.appId, appId));
  if (!result.ok) return { checkId, appId, health: 'failed', findings: [], error: result.error };
  if (result.accounts.length === 0 && links.length > 0) return { checkId, appId, health: 'empty', findings: [], error: 'the app returned no accounts: no drift is concluded from an empty read' };
  const users = await allUsers(db);
  const desired = evaluate(ruleSet, users, makeContext(at));
  const findings = compareApp(appId, ruleSet, desired, links, result.accounts, result.groups);
  const rows = findings.map((f, i) => ({ id: `${checkId}:${i}`, checkId, appId, kind: f.kind, userId: f.userId ?? null, groupId: f.groupId ?? null, detail: f.detail as JsonObject, foundAt: at }));
  await writeWithAudit(db, [{ at, actor: 'drift', type: 'drift.check', subject: appId, data: { checkId, findings: findings.length } }], (): Statement[] => [
    db.delete(driftFindings).where(and(eq(driftFindings.appId, appId), notInArray(driftFindings.checkId, [checkId]))),
    ...chunkRows(rows, 8, paramLimit(db)).map((chunk) => db.insert(driftFindings).values(chunk)),
  ]);
  return { checkId, appId, health: 'ok', findings, repair: { accounts: result.accounts, groups: result.groups } };
}

type RepairInput = { accounts: Parameters<typeof compareApp>[4]; groups: Parameters<typeof compareApp>[5] };

export async function listFindings(runtime: Runtime, appId?: string) {
  const q = runtime.db.select().from(driftFindings);
  // In the order each check found them (ids are `check:n`, which sort as text: `:10` before `:2`).
  return (appId ? q.where(eq(driftFindings.appId, appId)) : q).orderBy(asc(driftFindings.appId), asc(driftFindings.checkId), sql`rowid`);
}

export interface Repair {
  check: DriftCheck;
  runId?: string;
  held: boolean;
  actions: number;
  /** The actions the repair's run put in the outbox (one already waiting stays with its run). */
  queued?: number;
}

export async function repairDrift(runtime: Runtime, appId: string, read: ReadApp = readThroughConnector): Promise<Repair> {
  const { db } = runtime;
  const check = await checkDrift(runtime, appId, read);
  const { repair, ...summary } = check;
  if (check.health !== 'ok' || !repair || check.findings.length === 0) return { check: summary, held: false, actions: 0 };
  const at = runtime.now();
  // What the app really holds becomes the observed state the plan starts from.
  const links = await db.select().from(appAccounts).where(eq(appAccounts.appId, appId));
  const remote = new Map(repair.accounts.map((a) => [a.externalId, a]));
  const gone = links.filter((l) => l.externalId !== null && !remote.has(l.externalId)).map((l) => l.id);
  const statements: Statement[] = [];
  for (const link of links) {
    const found = link.externalId ? remote.get(link.externalId) : undefined;
    if (!found) continue;
    const attributes = { ...link.attributes };
    for (const key of Object.keys(attributes)) if (key in found.attributes) attributes[key] = found.attributes[key] as JsonObject[string];
    const status = found.active ? (link.status === 'suspended' ? 'suspended' : 'active') : 'deactivated';
    statements.push(db.update(appAccounts).set({ attributes, status, observedAt: at, deactivatedAt: status === 'deactivated' ? (link.deactivatedAt ?? at) : null }).where(eq(appAccounts.id, link.id)));
  }
  for (const chunk of chunkRows(gone, 1, paramLimit(db))) statements.push(db.delete(appAccounts).where(inArray(appAccounts.id, chunk)));
  await writeWithAudit(db, [{ at, actor: 'drift', type: 'drift.observe', subject: appId, data: { refreshed: statements.length - (gone.length ? 1 : 0), gone: gone.length } }], () => statements);

  const ruleSet = await loadRuleSet(db);
  if (!ruleSet) return { check: summary, held: false, actions: 0 };
  const affected = new Set(check.findings.map((f) => f.userId).filter((u): u is string => u !== undefined));
  const users = (await allUsers(db)).filter((u) => affected.has(u.id));
  const observed = await observedState(db, users.map((u) => u.id));
  // The app as just read stands for it, over what Roster recorded of its groups.
  observed.appGroups = [...(observed.appGroups ?? []).filter((g) => g.appId !== appId), ...observedAppGroups(appId, repair.groups, await db.select().from(appAccounts).where(eq(appAccounts.appId, appId)))];
  observed.health = { ...(observed.health ?? {}), [appId]: 'ok' };
  const { plan } = await planUsers(db, ruleSet, users, at, observed);
  const actions = plan.actions.filter((a) => a.appId === appId);
  if (actions.length === 0) return { check: summary, held: false, actions: 0 };
  const reasons = heldReasons(plan);
  const runId = `repair-${appId}-${runtime.newId()}`;
  const written = await createRun(db, { id: runId, kind: 'reconcile', status: reasons.length > 0 ? 'held' : 'planned', ruleSetVersion: plan.version, asOf: at, summary: { trigger: 'drift', appId, checkId: check.checkId, actions: countActions({ ...plan, actions }) }, heldReasons: reasons }, actions, { at, actor: 'drift' });
  if (!written.ok) throw new Error(written.message);
  return { check: summary, runId, held: reasons.length > 0, actions: actions.length, queued: written.value.queued };
}

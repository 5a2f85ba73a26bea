// An import pushed by the agent, through the same import as any app (edge/connectors/sync):
// correlation by the app's `match` rules into linked/unlinked/unmatched/deleted/disputed, links
// written in one batch, and a failed or empty read that writes no links and removes none.
// An incremental push holds only changed entries: every other known link is carried over as
// seen, so nothing is taken for deleted. When the app is a `source`, a linked user disabled in
// the directory (or gone from a full, healthy read) is deactivated through the lifecycle
// service: the engine plans it against the rules and their safety gates like any deactivation.
import { and, eq, inArray } from 'drizzle-orm';
import type { RemoteAccount, RemoteGroup } from '../../connectors/types.ts';
import type { ImportSummary } from '../../connectors/sync/import.ts';
import { importFromApp } from '../../connectors/sync/import.ts';
import type { App } from '../../db/repos/apps.ts';
import { getIdentity } from '../../db/repos/identities.ts';
import { appAccounts, appImportItems } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { LIFECYCLE_OPERATIONS, applyLifecycle } from '../../services/lifecycle.ts';

export type PushedRead = { mode: 'full' | 'incremental'; ok: true; accounts: RemoteAccount[]; groups: RemoteGroup[] } | { mode: 'full' | 'incremental'; ok: false; error: string };

export interface PushSummary extends ImportSummary {
  deprovisioned: string[];
  /** Deactivations the lifecycle refused (e.g. a held run), with why. */
  refused: { userId: string; reason: string }[];
}

export async function importPushed(runtime: Runtime, app: App, pushed: PushedRead): Promise<PushSummary> {
  const { db } = runtime;
  let accounts: RemoteAccount[] = pushed.ok ? pushed.accounts : [];
  if (pushed.ok && pushed.mode === 'incremental') {
    const seen = new Set(accounts.map((a) => a.externalId));
    const known = await db.select().from(appAccounts).where(eq(appAccounts.appId, app.id));
    const carried = known.filter((l) => l.externalId !== null && !seen.has(l.externalId)).map((l) => ({ externalId: l.externalId as string, attributes: l.attributes, active: l.status !== 'deactivated' }));
    accounts = [...accounts, ...carried];
    if (pushed.accounts.length === 0) accounts = carried.length > 0 ? carried : accounts;
  }
  const summary = await importFromApp(runtime, app.id, async () => (pushed.ok ? { ok: true, accounts, groups: pushed.groups, requests: 1 } : { ok: false, error: pushed.error, retryable: true }));
  const result: PushSummary = { ...summary, deprovisioned: [], refused: [] };
  if ((app.config as { source?: unknown }).source !== true || summary.health !== 'ok' || !pushed.ok) return result;

  const disabled = new Set(pushed.accounts.filter((a) => !a.active).map((a) => a.externalId));
  const items = await db.select({ situation: appImportItems.situation, externalId: appImportItems.externalId, userId: appImportItems.userId }).from(appImportItems).where(and(eq(appImportItems.importId, summary.importId), inArray(appImportItems.situation, ['linked', 'deleted'])));
  const leaving = items.filter((i) => i.userId !== null && ((i.situation === 'linked' && disabled.has(i.externalId)) || (i.situation === 'deleted' && pushed.mode === 'full')));
  for (const item of leaving) {
    const userId = item.userId as string;
    const identity = await getIdentity(db, userId);
    if (!identity || !(LIFECYCLE_OPERATIONS.deactivate.from as readonly string[]).includes(identity.status)) continue;
    try {
      await applyLifecycle(runtime, userId, 'deactivate', { at: runtime.now(), actor: `import:${app.id}` });
      result.deprovisioned.push(userId);
    } catch (error) {
      result.refused.push({ userId, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}

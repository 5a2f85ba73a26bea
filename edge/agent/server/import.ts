// An import pushed by the agent, through the same import as any app (edge/connectors/sync):
// correlation by the app's `match` rules into linked/unlinked/unmatched/deleted/disputed, links
// written in one batch, and a failed or empty read that writes no links and removes none.
// An incremental push holds only changed entries: every other known link is carried over as
// seen, so nothing is taken for deleted. When the app is a `source`, the linked users disabled in
// the directory (or gone from a full, healthy read) are deprovisioned together as one plan
// through the safety gates (deprovision.ts): too many at once holds the run for approval.
// A healthy read's cursor is stored for the agent's next incremental import (cursor.ts).
import { and, count, eq, inArray } from 'drizzle-orm';
import type { RemoteAccount, RemoteGroup } from '../../connectors/types.ts';
import type { ImportSummary } from '../../connectors/sync/import.ts';
import { importFromApp } from '../../connectors/sync/import.ts';
import type { App } from '../../db/repos/apps.ts';
import { appAccounts, appImportItems } from '../../db/schema.ts';
import type { Runtime } from '../../runtime.ts';
import { saveCursor } from './cursor.ts';
import type { Deprovisioned } from './deprovision.ts';
import { deprovisionLeavers } from './deprovision.ts';

export type PushedRead = ({ mode: 'full' | 'incremental'; ok: true; accounts: RemoteAccount[]; groups: RemoteGroup[] } | { mode: 'full' | 'incremental'; ok: false; error: string }) & {
  /** Where the agent's next incremental read starts; stored only after a healthy import. */
  cursor?: string;
};

export interface PushSummary extends ImportSummary, Deprovisioned {
  /** The cursor stored for the next incremental import, when this import stored one. */
  cursor?: string;
}

export async function importPushed(runtime: Runtime, app: App, pushed: PushedRead): Promise<PushSummary> {
  const { db } = runtime;
  const [links] = await db.select({ n: count() }).from(appAccounts).where(eq(appAccounts.appId, app.id));
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
  if (summary.health === 'ok' && pushed.ok && pushed.cursor !== undefined) {
    await saveCursor(db, app.id, pushed.cursor, summary.importId, runtime.now());
    result.cursor = pushed.cursor;
  }
  if ((app.config as { source?: unknown }).source !== true || summary.health !== 'ok' || !pushed.ok) return result;

  const disabled = new Set(pushed.accounts.filter((a) => !a.active).map((a) => a.externalId));
  const items = await db.select({ situation: appImportItems.situation, externalId: appImportItems.externalId, userId: appImportItems.userId }).from(appImportItems).where(and(eq(appImportItems.importId, summary.importId), inArray(appImportItems.situation, ['linked', 'deleted'])));
  const leaving = items.filter((i) => i.userId !== null && ((i.situation === 'linked' && disabled.has(i.externalId)) || (i.situation === 'deleted' && pushed.mode === 'full')));
  const userIds = [...new Set(leaving.map((i) => i.userId as string))];
  return { ...result, ...(await deprovisionLeavers(runtime, app, userIds, links?.n ?? 0, { at: runtime.now(), actor: `import:${app.id}` })) };
}

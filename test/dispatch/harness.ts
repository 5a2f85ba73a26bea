// Shared set-up for dispatcher tests: a migrated libSQL database (memory or file), a SCIM app
// registered against a URL, and N `account.create` actions queued in one run.
import type { Action } from '../../engine/types.ts';
import type { Db } from '../../edge/db/index.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { outboxCounts } from '../../edge/db/repos/outbox.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import type { Runtime } from '../../edge/runtime.ts';
import { createRuntime } from '../../edge/runtime.ts';

export const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };

export async function openDb(url = ':memory:'): Promise<Db> {
  const db = await openLibsql({ url });
  await migrate(db);
  return db;
}

export async function quietRuntime(db: Db, extra: Partial<Runtime> = {}): Promise<Runtime> {
  return createRuntime({ db, log: () => {}, ...extra });
}

export function createActions(n: number, appId = 'crm', prefix = 'u'): Action[] {
  return Array.from({ length: n }, (_, i) => {
    const userId = `${prefix}-${String(i).padStart(4, '0')}`;
    return {
      id: `create-${appId}-${userId}`,
      type: 'account.create' as const,
      userId,
      appId,
      attributes: { userName: `${userId}@example.com`, displayName: `User ${i}`, email: `${userId}@example.com` },
      reason: { summary: 'assigned by test', rules: ['test'], version: 'v1', matched: [] },
    };
  });
}

export async function seed(db: Db, config: Record<string, unknown>, actions: readonly Action[], appId = 'crm', connector = 'scim'): Promise<void> {
  await saveApp(db, { id: appId, name: appId.toUpperCase(), connector, config }, ctx);
  const run = await createRun(db, { id: `run-${appId}`, kind: 'reconcile', status: 'planned', asOf: ctx.at }, actions, ctx);
  if (!run.ok) throw new Error(run.message);
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function settled(db: Db, total: number): Promise<boolean> {
  const counts = await outboxCounts(db);
  return (counts.done ?? 0) + (counts.dead ?? 0) >= total;
}

/** The config of the app behind the faulty proxy: short timeouts and retries keep the test quick. */
export const faultyAppConfig = (baseUrl: string) => ({
  baseUrl,
  auth: { type: 'bearer', token: 'scim-test-token' },
  timeoutMs: 1500,
  concurrency: 16,
  maxAttempts: 40,
  retry: { baseMs: 50, maxMs: 2000 },
  // A delivery is two requests (lookup, create), so ~51% of deliveries meet a fault: the
  // quarantine threshold sits above that, or this test would be about quarantine instead.
  quarantine: { failureRate: 0.85, minRequests: 50, baseMs: 1000, maxMs: 5000 },
});

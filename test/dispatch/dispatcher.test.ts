// The dispatcher's rules with connectors made in the test (the real connectors have their own
// suites): per-app concurrency and rate limits, Retry-After, backoff, dead letters with the last
// error, quarantine that grows and recovers by itself, scheduled actions, config errors.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../engine/types.ts';
import type { ApplyResult, Connector } from '../../edge/connectors/types.ts';
import { getApp } from '../../edge/db/repos/apps.ts';
import { getAction } from '../../edge/db/repos/outbox.ts';
import { outbox } from '../../edge/db/schema.ts';
import type { DispatcherOptions } from '../../edge/dispatch/dispatcher.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import { createActions, openDb, quietRuntime, seed, settled, waitFor } from './harness.ts';

interface Probe {
  connector: Connector;
  calls: { id: string; at: number }[];
  maxParallel: number;
}

function probe(answer: (action: Action, call: number) => ApplyResult | Promise<ApplyResult>, delayMs = 0): Probe {
  const p: Probe = { calls: [], maxParallel: 0, connector: { apply: async () => ({ ok: true, effect: 'applied' }) } };
  let parallel = 0;
  p.connector = {
    async apply({ action }) {
      p.calls.push({ id: action.id, at: Date.now() });
      parallel++;
      p.maxParallel = Math.max(p.maxParallel, parallel);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      parallel--;
      return answer(action, p.calls.length);
    },
  };
  return p;
}

async function setup(config: Record<string, unknown>, actions: Action[], p: Probe, options: DispatcherOptions = {}) {
  const db = await openDb();
  await seed(db, config, actions, 'crm', 'fake');
  const runtime = await quietRuntime(db);
  const dispatcher = createDispatcher(runtime, { pollMs: 10, factories: new Map([['fake', () => p.connector]]), ...options });
  return { db, dispatcher };
}

describe('dispatcher', () => {
  it('keeps to the app\'s concurrency and rate limit', async () => {
    const p = probe(() => ({ ok: true, effect: 'applied' }), 30);
    const { db, dispatcher } = await setup({ concurrency: 3, rateLimit: { perSecond: 20, burst: 1 } }, createActions(20), p);
    void dispatcher.run();
    await waitFor(() => settled(db, 20), 20_000, 20);
    await dispatcher.stop();
    expect(p.maxParallel).toBeLessThanOrEqual(3);
    const span = (p.calls.at(-1)?.at ?? 0) - (p.calls[0]?.at ?? 0);
    // 20 starts at 20/s with a burst of 1: the last starts no sooner than ~19 intervals later.
    expect(span).toBeGreaterThanOrEqual(19 * 50 - 60);
  });

  it('retries with backoff, never before Retry-After, and dead-letters after maxAttempts with the last error', async () => {
    const p = probe((_a, call) => ({ ok: false, error: `POST /Users answered 503 (try ${call})`, retryable: true, status: 503, retryAfterSeconds: call === 1 ? 1 : 0 }));
    const { db, dispatcher } = await setup({ maxAttempts: 3, retry: { baseMs: 20, maxMs: 100 } }, createActions(1), p);
    void dispatcher.run();
    await waitFor(async () => (await getAction(db, 'create-crm-u-0000'))?.status === 'dead', 20_000, 20);
    await dispatcher.stop();
    const row = await getAction(db, 'create-crm-u-0000');
    expect(row).toMatchObject({ status: 'dead', attempts: 3 });
    expect(row?.lastError).toBe('POST /Users answered 503 (try 3) (gave up after 3 tries)');
    expect(p.calls).toHaveLength(3);
    // The first failure asked for 1 s: the second try waited for it.
    expect((p.calls[1]?.at ?? 0) - (p.calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('dead-letters at once what cannot succeed, and keeps a bad app config as the visible error', async () => {
    const p = probe(() => ({ ok: false, error: '`u-0000` has no account in the app (404)', retryable: false, status: 404 }));
    const { db, dispatcher } = await setup({}, createActions(1), p);
    await dispatcher.tick();
    await dispatcher.drain();
    expect(await getAction(db, 'create-crm-u-0000')).toMatchObject({ status: 'dead', attempts: 1, lastError: '`u-0000` has no account in the app (404)' });

    const db2 = await openDb();
    await seed(db2, { baseUrl: 'nope', auth: { type: 'bearer' } }, createActions(1), 'crm', 'scim');
    const d2 = createDispatcher(await quietRuntime(db2), { pollMs: 10 });
    await d2.tick();
    await d2.drain();
    const row = await getAction(db2, 'create-crm-u-0000');
    expect(row?.status).toBe('failed');
    expect(row?.lastError).toMatch(/^app `crm` config: `baseUrl`: .*; `auth.token`: /);
  });

  it('quarantines an app failing too often, with growing backoff, and releases it when it recovers', async () => {
    let healthy = false;
    const p = probe(() => (healthy ? { ok: true, effect: 'applied' } : { ok: false, error: 'GET /Users timed out after 100 ms', retryable: true }));
    const config = { concurrency: 2, maxAttempts: 50, retry: { baseMs: 10, maxMs: 20 }, quarantine: { failureRate: 0.5, minRequests: 4, baseMs: 300, maxMs: 10_000 } };
    const { db, dispatcher } = await setup(config, createActions(10), p);
    void dispatcher.run();
    await waitFor(async () => (await getApp(db, 'crm'))?.status === 'quarantined', 10_000, 10);
    const firstUntil = (await getApp(db, 'crm'))?.quarantinedUntil as string;
    const callsAtQuarantine = p.calls.length;
    // While quarantined nothing is sent; after it, one probe fails and the quarantine doubles.
    await waitFor(async () => dispatcher.counts.quarantines >= 2, 10_000, 10);
    expect(p.calls.length).toBeLessThanOrEqual(callsAtQuarantine + 2 + 1);
    const second = await getApp(db, 'crm');
    expect(Date.parse(second?.quarantinedUntil as string) - Date.parse(firstUntil)).toBeGreaterThanOrEqual(500);
    healthy = true;
    await waitFor(() => settled(db, 10), 20_000, 20);
    await dispatcher.stop();
    expect(await getApp(db, 'crm')).toMatchObject({ status: 'ok', quarantinedUntil: null });
  });

  it('scheduled actions wait for notBefore', async () => {
    const p = probe(() => ({ ok: true, effect: 'applied' }));
    const later = new Date(Date.now() + 1500).toISOString();
    const [action] = createActions(1);
    const { db, dispatcher } = await setup({}, [{ ...(action as Action), notBefore: later }], p);
    void dispatcher.run();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(p.calls).toHaveLength(0);
    await waitFor(() => settled(db, 1), 10_000, 20);
    await dispatcher.stop();
    expect(p.calls[0]?.at ?? 0).toBeGreaterThanOrEqual(Date.parse(later));
  });

  it('records the account as the app holds it, in the same batch as the outcome', async () => {
    const p = probe((a) => ({ ok: true, effect: 'applied', account: { externalId: `ext-${a.userId}`, status: 'active' } }));
    const { db, dispatcher } = await setup({}, createActions(2), p);
    await dispatcher.tick();
    await dispatcher.drain();
    const rows = await db.select().from(outbox).where(eq(outbox.status, 'done'));
    expect(rows).toHaveLength(2);
    const { observedState } = await import('../../edge/db/repos/accounts.ts');
    const observed = await observedState(db);
    expect(observed.accounts.map((a) => [a.userId, a.status, a.attributes?.displayName])).toEqual([
      ['u-0000', 'active', 'User 0'],
      ['u-0001', 'active', 'User 1'],
    ]);
  });
});

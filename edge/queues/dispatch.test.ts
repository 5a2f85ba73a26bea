import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../engine/types.ts';
import { verifyAudit } from '../audit/verify.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { quarantineApp, saveApp } from '../db/repos/apps.ts';
import { createRun } from '../db/repos/runs.ts';
import { outbox } from '../db/schema.ts';
import type { Runtime } from '../runtime.ts';
import { createRuntime } from '../runtime.ts';
import type { Deliverer, Delivery } from './dispatch.ts';
import { MAX_ATTEMPTS, dispatchBatch, retryAt } from './dispatch.ts';

const T0 = '2025-01-01T09:00:00.000Z';
const open: LibsqlDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

async function setup(now = T0): Promise<Runtime> {
  const db = await openLibsql({ url: ':memory:' });
  open.push(db);
  await migrate(db);
  const runtime = await createRuntime({ db, now: () => now, log: () => {} });
  await saveApp(db, { id: 'wiki', name: 'Wiki', connector: 'fake', config: {} }, { at: T0, actor: 'test' });
  await saveApp(db, { id: 'ad', name: 'AD', connector: 'ldap', config: {} }, { at: T0, actor: 'test' });
  return runtime;
}

const action = (id: string, appId: string, notBefore?: string): Action => ({ id, type: 'account.create', userId: 'u1', appId, ...(notBefore ? { notBefore } : {}), reason: { summary: 'test', rules: [], version: 'v', matched: [] } });

function fake(answers: Delivery[]): Deliverer & { seen: string[] } {
  const seen: string[] = [];
  return { seen, deliver: async (a) => (seen.push(a.id), answers.shift() ?? { ok: true }) };
}

async function row(runtime: Runtime, id: string) {
  const [r] = await runtime.db.select().from(outbox).where(eq(outbox.id, id));
  return r;
}

describe('dispatchBatch', () => {
  it('delivers due actions through the deliverer for their app, once, and records them done', async () => {
    const runtime = await setup();
    await createRun(runtime.db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: T0 }, [action('a1', 'wiki'), action('a2', 'wiki')], { at: T0, actor: 'test' });
    const deliverer = fake([]);
    const report = await dispatchBatch(runtime, ['a1', 'a2', 'a1'], new Map([['fake', deliverer]]));
    expect(report.delivered.sort()).toEqual(['a1', 'a2']);
    expect(deliverer.seen.sort()).toEqual(['a1', 'a2']);
    expect(await row(runtime, 'a1')).toMatchObject({ status: 'done', attempts: 1 });
    // A second message naming the same actions finds them done: nothing is delivered twice.
    const again = await dispatchBatch(runtime, ['a1', 'a2'], new Map([['fake', deliverer]]));
    expect(again.skipped.sort()).toEqual(['a1', 'a2']);
    expect(deliverer.seen).toHaveLength(2);
    expect(await verifyAudit(runtime.db)).toMatchObject({ ok: true });
  });

  it('leaves actions untouched when their connector is missing, their app quarantined or unknown, or they are not due', async () => {
    const runtime = await setup();
    await quarantineApp(runtime.db, 'ad', '2025-01-02T00:00:00.000Z', 'failing', { at: T0, actor: 'test' });
    await saveApp(runtime.db, { id: 'crm', name: 'CRM', connector: 'rest', config: {} }, { at: T0, actor: 'test' });
    const actions = [action('q', 'ad'), action('n', 'crm'), action('u', 'nowhere'), action('later', 'wiki', '2025-02-01T00:00:00.000Z')];
    await createRun(runtime.db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: T0 }, actions, { at: T0, actor: 'test' });
    const report = await dispatchBatch(runtime, ['q', 'n', 'u', 'later', 'missing'], new Map([['fake', fake([])], ['ldap', fake([])]]));
    expect([...report.waiting].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'n', reason: 'no connector for `rest` yet' },
      { id: 'q', reason: 'app `ad` is quarantined' },
      { id: 'u', reason: 'unknown app `nowhere`' },
    ]);
    expect(report.skipped.sort()).toEqual(['later', 'missing']);
    for (const id of ['q', 'n', 'u', 'later']) expect(await row(runtime, id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('retries a failure with backoff, honours Retry-After, and dead-letters a permanent failure', async () => {
    const runtime = await setup();
    await createRun(runtime.db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: T0 }, [action('busy', 'wiki'), action('limited', 'wiki'), action('bad', 'wiki')], { at: T0, actor: 'test' });
    const answers: Record<string, Delivery> = {
      busy: { ok: false, error: 'timeout', retryable: true },
      limited: { ok: false, error: 'rate limited', retryable: true, retryAfterSeconds: 3600 },
      bad: { ok: false, error: 'user `u1` rejected: invalid email', retryable: false },
    };
    const report = await dispatchBatch(runtime, ['busy', 'limited', 'bad'], new Map([['fake', { deliver: async (a: Action) => answers[a.id] as Delivery }]]));
    expect(report.failed.sort()).toEqual(['busy', 'limited']);
    expect(report.dead).toEqual(['bad']);
    expect(await row(runtime, 'busy')).toMatchObject({ status: 'failed', lastError: 'timeout', nextAttemptAt: '2025-01-01T09:00:30.000Z' });
    expect(await row(runtime, 'limited')).toMatchObject({ status: 'failed', nextAttemptAt: '2025-01-01T10:00:00.000Z' });
    expect(await row(runtime, 'bad')).toMatchObject({ status: 'dead', lastError: 'user `u1` rejected: invalid email' });
    // Not due before its retry time; due after it.
    expect((await dispatchBatch(runtime, ['busy'], new Map([['fake', fake([])]]))).skipped).toEqual(['busy']);
  });

  it('dead-letters an action that keeps failing after MAX_ATTEMPTS tries', async () => {
    let now = T0;
    const runtime = { ...(await setup()), now: () => now };
    await createRun(runtime.db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: T0 }, [action('flaky', 'wiki')], { at: T0, actor: 'test' });
    const failing = new Map([['fake', { deliver: async (): Promise<Delivery> => ({ ok: false, error: 'down', retryable: true }) }]]);
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      const report = await dispatchBatch(runtime, ['flaky'], failing);
      expect(i < MAX_ATTEMPTS ? report.failed : report.dead).toEqual(['flaky']);
      now = (await row(runtime, 'flaky'))?.nextAttemptAt as string;
    }
    expect(await row(runtime, 'flaky')).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS });
  });

  it('backs off exponentially from 30 s up to 6 h', () => {
    expect(retryAt(T0, 1)).toBe('2025-01-01T09:00:30.000Z');
    expect(retryAt(T0, 3)).toBe('2025-01-01T09:02:00.000Z');
    expect(retryAt(T0, 30)).toBe('2025-01-01T15:00:00.000Z');
    expect(retryAt(T0, 1, 120)).toBe('2025-01-01T09:02:00.000Z');
  });
});

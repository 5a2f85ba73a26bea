// Queues in workerd, end to end: the Worker's cron handler produces messages on the real local
// Queues from wrangler.toml, the broker delivers them to the Worker's `queue` handler, and the
// consumer does the work against D1 — outbox actions reach their app through the dispatcher and
// the real `manual` connector (a stored task), reconcile shards become runs whose actions are
// dispatched. Plus the consumer's ack/retry/drop rules and the producer's refusals.
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { hashJson } from '../../engine/hash.ts';
import type { Action, SourceFile } from '../../engine/types.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createIdentity } from '../../edge/db/repos/identities.ts';
import { listManualTasks } from '../../edge/db/repos/manual-tasks.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import { identities, outbox, runs } from '../../edge/db/schema.ts';
import worker from '../../edge/entry/workers.ts';
import { workersRuntime } from '../../edge/entry/workers-runtime.ts';
import { consumeBatch, queueHandlers } from '../../edge/queues/consumer.ts';
import { reconcileShards } from '../../edge/queues/producer.ts';
import { reconcileShard } from '../../edge/queues/reconcile.ts';
import type { Runtime } from '../../edge/runtime.ts';

const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
const task = (id: string, appId: string): Action => ({
  id,
  type: 'task.manual',
  userId: 'u-1',
  appId,
  attributes: { task: 'make a badge for `u-1`', operation: 'account.create', owners: ['facilities@acme.test'] },
  reason: { summary: 'test', rules: [], version: 'v', matched: [] },
});

async function statusOf(runtime: Runtime, id: string): Promise<string | undefined> {
  const [row] = await runtime.db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, id));
  return row?.status;
}

async function cron(scheduledTime: number, overrides: Partial<typeof env> = {}): Promise<void> {
  await worker.scheduled(createScheduledController({ scheduledTime, cron: '0 * * * *' }), { ...env, ...overrides });
}

describe('queues in workerd', () => {
  it('the cron hands a due action to the dispatch queue and the consumer delivers it; an app without a connector waits', async () => {
    const runtime = await workersRuntime(env);
    await saveApp(runtime.db, { id: 'badge', name: 'Badge office', connector: 'manual', config: {} }, ctx);
    // LDAP is delivered by the on-prem agent, never from a Worker.
    await saveApp(runtime.db, { id: 'ad', name: 'AD', connector: 'ldap', config: {} }, ctx);
    expect((await createRun(runtime.db, { id: 'run-1', kind: 'reconcile', status: 'planned', asOf: ctx.at }, [task('a-badge', 'badge'), task('a-ad', 'ad')], ctx)).ok).toBe(true);

    await cron(Date.parse('2025-01-01T10:00:00Z'));

    await vi.waitUntil(async () => (await statusOf(runtime, 'a-badge')) === 'done', { timeout: 10_000, interval: 50 });
    expect((await listManualTasks(runtime.db)).map((t) => [t.actionId, t.appId, t.owners])).toEqual([['a-badge', 'badge', ['facilities@acme.test']]]);
    expect(await statusOf(runtime, 'a-ad')).toBe('pending');
  });

  it('the cron shards a reconciliation; each shard becomes a run whose actions are dispatched, and a repeated cron plans nothing twice', async () => {
    const runtime = await workersRuntime(env);
    const files: SourceFile[] = [
      { path: 'rules/apps/locker.yaml', text: 'kind: app\nid: locker\nname: Lockers\nconnector: manual\nowners: [facilities@acme.test]\n' },
      { path: 'rules/assignments/locker.yaml', text: 'kind: assignment\nid: eng-locker\nwhen:\n  all:\n    - { fact: department, operator: equal, value: Engineering }\nassign:\n  - { app: locker }\n' },
    ];
    await saveRuleSet(runtime.db, { version: hashJson(files), files, source: 'upload' }, ctx, { activate: true });
    await saveApp(runtime.db, { id: 'locker', name: 'Lockers', connector: 'manual', config: {} }, ctx);
    const lockerTasks = async () => (await listManualTasks(runtime.db, { appId: 'locker' })).map((t) => t.userId).sort();
    const people = [
      ['p1', 'Engineering'],
      ['p2', 'Sales'],
      ['p3', 'Engineering'],
      ['p4', 'Sales'],
      ['p5', 'Engineering'],
    ];
    for (const [id, department] of people) await createIdentity(runtime.db, { id: id as string, login: id as string, profile: { department: department as string } }, ctx);

    const scheduledTime = Date.parse('2025-01-02T10:00:00Z');
    await cron(scheduledTime, { ROSTER_RECONCILE_SHARD_SIZE: '2' });

    await vi.waitUntil(async () => (await lockerTasks()).length >= 3, { timeout: 15_000, interval: 50 });
    expect(await lockerTasks()).toEqual(['p1', 'p3', 'p5']);
    const shardRuns = await runtime.db.select().from(runs).where(sql`${runs.id} like 'cron-2025-01-02T10:00:00.000Z.%'`);
    // Shards [p1,p2] [p3,p4] [p5]: each has one engineer, so each wrote one run.
    expect(shardRuns.map((r) => r.id).sort()).toEqual(['cron-2025-01-02T10:00:00.000Z.0', 'cron-2025-01-02T10:00:00.000Z.1', 'cron-2025-01-02T10:00:00.000Z.2']);
    expect(shardRuns.every((r) => r.kind === 'reconcile' && r.status === 'planned')).toBe(true);

    // The same cron again: every shard finds its run written; nothing is planned or delivered twice.
    await cron(scheduledTime, { ROSTER_RECONCILE_SHARD_SIZE: '2' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await lockerTasks()).toEqual(['p1', 'p3', 'p5']);
    expect(await runtime.db.select().from(runs).where(sql`${runs.id} like 'cron-2025-01-02T10:00:00.000Z.%'`)).toHaveLength(3);

    // An hour later nothing changed: no shard writes a run (each wrote an empty one every hour).
    const hour = async (asOf: string) => {
      const shards = await reconcileShards(runtime.db, { reconcileId: `cron-${asOf}`, asOf, trigger: 'cron' }, 2);
      const outcomes = [];
      for (const shard of shards) outcomes.push(await reconcileShard(runtime, shard));
      return outcomes;
    };
    const idle = await hour('2025-01-02T11:00:00.000Z');
    expect(idle.map((o) => [o.users, o.skipped])).toEqual([
      [2, 'nothing to write'],
      [2, 'nothing to write'],
      [1, 'nothing to write'],
    ]);
    expect(await runtime.db.select().from(runs).where(sql`${runs.id} like 'cron-2025-01-02T11:%'`)).toEqual([]);
    // p2 moves to Engineering: only the shard holding p2 has something to write.
    await runtime.db.update(identities).set({ profile: { department: 'Engineering' }, version: 2 }).where(eq(identities.id, 'p2'));
    const changed = await hour('2025-01-02T12:00:00.000Z');
    expect(changed.map((o) => o.skipped ?? o.status)).toEqual(['planned', 'nothing to write', 'nothing to write']);
    expect((await runtime.db.select({ id: runs.id }).from(runs).where(sql`${runs.id} like 'cron-2025-01-02T12:%'`)).map((r) => r.id)).toEqual(['cron-2025-01-02T12:00:00.000Z.0']);
  });

  it('acks a message it cannot read (unknown kind, malformed body) and retries one whose handler fails', async () => {
    const now = new Date('2025-01-01T09:00:00Z');
    const batch = createMessageBatch('roster-dispatch', [
      { id: 'm-unknown', timestamp: now, attempts: 1, body: { kind: 'teleport' } },
      { id: 'm-malformed', timestamp: now, attempts: 1, body: { kind: 'dispatch', actionIds: [] } },
      { id: 'm-ok', timestamp: now, attempts: 1, body: { kind: 'dispatch', actionIds: ['nothing-by-this-id'] } },
    ]);
    const execution = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, execution);
    expect(result.explicitAcks.sort()).toEqual(['m-malformed', 'm-ok', 'm-unknown']);
    expect(result.retryMessages).toEqual([]);

    const runtime = await workersRuntime(env);
    const failing = createMessageBatch('roster-dispatch', [{ id: 'm-fails', timestamp: now, attempts: 3, body: { kind: 'dispatch', actionIds: ['x'] } }]);
    const report = await consumeBatch({ ...runtime, log: () => {} }, failing, {
      ...queueHandlers,
      dispatch: { ...queueHandlers.dispatch, handle: async () => Promise.reject(new Error('database unreachable')) },
    });
    expect(report).toEqual({ acked: [], retried: ['m-fails'], dropped: [] });
    const retried = await getQueueResult(failing, createExecutionContext());
    expect(retried.retryMessages).toMatchObject([{ msgId: 'm-fails' }]);
    expect(retried.explicitAcks).toEqual([]);
    // The backoff doubles from 10 s: a third attempt waits 40 s (the test batch does not record delays).
    const delays: (number | undefined)[] = [];
    const third = { id: 'm-third', body: { kind: 'dispatch', actionIds: ['x'] }, attempts: 3, ack: () => {}, retry: (o?: { delaySeconds?: number }) => delays.push(o?.delaySeconds) };
    await consumeBatch({ ...runtime, log: () => {} }, { queue: 'roster-dispatch', messages: [third] }, { ...queueHandlers, dispatch: { ...queueHandlers.dispatch, handle: async () => Promise.reject(new Error('down')) } });
    expect(delays).toEqual([40]);
  });

  it('refuses to enqueue a message its queue would not accept, or to an unknown queue', async () => {
    const runtime = await workersRuntime(env);
    const enqueue = runtime.enqueue as NonNullable<Runtime['enqueue']>;
    await expect(enqueue('dispatch', { kind: 'dispatch', actionIds: [] })).rejects.toThrow(/a `dispatch` message was refused: actionIds/);
    await expect(enqueue('reconcile', { kind: 'dispatch', actionIds: ['a'] })).rejects.toThrow(/a `reconcile` message was refused/);
    await expect(enqueue('mail', { kind: 'dispatch', actionIds: ['a'] })).rejects.toThrow('unknown queue `mail`');
  });
});

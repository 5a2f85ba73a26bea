import { afterEach, describe, expect, it } from 'vitest';
import type { Action } from '../../engine/types.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { upsertIdentities } from '../db/repos/identities-bulk.ts';
import { createRun } from '../db/repos/runs.ts';
import { dispatchMessages, dueActionIds, queueEnqueuer, reconcileShards } from './producer.ts';

const at = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
const open: LibsqlDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

async function db(): Promise<LibsqlDb> {
  const d = await openLibsql({ url: ':memory:' });
  open.push(d);
  await migrate(d);
  return d;
}

const base = { reconcileId: 'rc', asOf: '2025-01-01T09:00:00.000Z', trigger: 'cron' as const };

describe('reconcileShards', () => {
  it('covers every identity exactly once, in shards of the given size', async () => {
    const d = await db();
    const ids = Array.from({ length: 11 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    await upsertIdentities(d, ids.map((id) => ({ id, login: id, profile: {} })), at);
    const shards = await reconcileShards(d, base, 4);
    expect(shards).toEqual([
      { kind: 'reconcile', ...base, shard: 0, toId: 'u04' },
      { kind: 'reconcile', ...base, shard: 1, fromId: 'u04', toId: 'u08' },
      { kind: 'reconcile', ...base, shard: 2, fromId: 'u08' },
    ]);
    const inShard = (s: (typeof shards)[number], id: string) => (s.fromId === undefined || id >= s.fromId) && (s.toId === undefined || id < s.toId);
    for (const id of ids) expect(shards.filter((s) => inShard(s, id)), id).toHaveLength(1);
  });

  it('gives one unbounded shard for a small population and none for an empty one', async () => {
    const d = await db();
    expect(await reconcileShards(d, base, 4)).toEqual([]);
    await upsertIdentities(d, [{ id: 'a', login: 'a', profile: {} }], at);
    expect(await reconcileShards(d, base, 4)).toEqual([{ kind: 'reconcile', ...base, shard: 0 }]);
  });
});

describe('dispatch producer', () => {
  it('splits ids into messages of at most 100 and finds the due actions', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `a${i}`);
    expect(dispatchMessages(ids).map((m) => m.actionIds.length)).toEqual([100, 100, 50]);
    expect(dispatchMessages([])).toEqual([]);
    const d = await db();
    const action = (id: string, notBefore?: string): Action => ({ id, type: 'account.create', userId: 'u', appId: 'x', ...(notBefore ? { notBefore } : {}), reason: { summary: '', rules: [], version: 'v', matched: [] } });
    await createRun(d, { id: 'r', kind: 'reconcile', status: 'planned', asOf: at.at }, [action('now'), action('later', '2025-03-01T00:00:00.000Z')], at);
    await createRun(d, { id: 'h', kind: 'reconcile', status: 'held', asOf: at.at }, [action('held')], at);
    expect(await dueActionIds(d, '2025-01-01T10:00:00.000Z')).toEqual(['now']);
    expect((await dueActionIds(d, '2025-03-01T00:00:00.000Z')).sort()).toEqual(['later', 'now']);
  });

  it('sends what the queue accepts and refuses the rest before it reaches the queue', async () => {
    const sent: unknown[] = [];
    const producer = { send: async (body: unknown) => sent.push(body), sendBatch: async () => {} };
    const enqueue = queueEnqueuer({ dispatch: producer, reconcile: producer });
    await enqueue('dispatch', { kind: 'dispatch', actionIds: ['a'] });
    await expect(enqueue('dispatch', { kind: 'dispatch', actionIds: ['a'], extra: 1 })).rejects.toThrow(/a `dispatch` message was refused/);
    await expect(enqueue('reconcile', { ...base, kind: 'reconcile', shard: -1 })).rejects.toThrow(/shard/);
    await expect(enqueue('email', {})).rejects.toThrow('unknown queue `email` (known: `dispatch`, `reconcile`)');
    expect(sent).toEqual([{ kind: 'dispatch', actionIds: ['a'] }]);
  });
});

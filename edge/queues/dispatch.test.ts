import { eq } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import type { Action } from '../../engine/types.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { saveApp } from '../db/repos/apps.ts';
import { listManualTasks } from '../db/repos/manual-tasks.ts';
import { createRun } from '../db/repos/runs.ts';
import { outbox } from '../db/schema.ts';
import { createRuntime } from '../runtime.ts';
import { dispatchBatch } from './dispatch.ts';

const at = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
const open: LibsqlDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

const task = (id: string, userId: string): Action => ({
  id,
  type: 'task.manual',
  userId,
  appId: 'badge',
  attributes: { task: `make a badge for \`${userId}\``, operation: 'account.create', owners: ['facilities@acme.test'] },
  reason: { summary: 'test', rules: [], version: 'v', matched: [] },
});

it('delivers exactly the named due actions through the dispatcher, once', async () => {
  const db = await openLibsql({ url: ':memory:' });
  open.push(db);
  await migrate(db);
  const runtime = await createRuntime({ db, log: () => {} });
  await saveApp(db, { id: 'badge', name: 'Badge office', connector: 'manual', config: {} }, at);
  await createRun(db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: at.at }, [task('t1', 'u1'), task('t2', 'u2'), task('t3', 'u3')], at);

  expect(await dispatchBatch(runtime, ['t1', 't2', 'unknown'])).toBe(2);
  const status = async (id: string) => (await db.select({ s: outbox.status }).from(outbox).where(eq(outbox.id, id)))[0]?.s;
  expect([await status('t1'), await status('t2'), await status('t3')]).toEqual(['done', 'done', 'pending']);
  expect((await listManualTasks(db)).map((t) => t.actionId).sort()).toEqual(['t1', 't2']);
  // A redelivered message finds them done: nothing is claimed or created twice.
  expect(await dispatchBatch(runtime, ['t1', 't2'])).toBe(0);
  expect(await listManualTasks(db)).toHaveLength(2);
});

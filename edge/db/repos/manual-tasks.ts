// Manual tasks: for apps with no API, an admin does the work and confirms it done. One task
// per action id (creating it again is a no-op), so redelivering a task.manual never duplicates;
// a done task whose action is queued again (the change is needed anew) is opened again.
import { and, asc, eq } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../index.ts';
import { fail, ok } from '../index.ts';
import type { ManualTaskStatus } from '../schema.ts';
import { manualTasks } from '../schema.ts';

export type ManualTask = typeof manualTasks.$inferSelect;
export type ManualTaskInput = Pick<ManualTask, 'id' | 'actionId' | 'appId' | 'description' | 'owners'> & { userId?: string | null };

/**
 * The task of `input.actionId`: created, or the one that exists. A done one is opened again
 * when `reopenDone` says the action was queued anew after it was done (see `reopen`).
 */
export async function createManualTask(db: Db, input: ManualTaskInput, ctx: WriteContext, options: { reopenDone?: boolean } = {}): Promise<{ created: boolean; task: ManualTask }> {
  const existing = await getManualTaskByAction(db, input.actionId);
  if (existing?.status === 'done' && options.reopenDone === true) return reopen(db, existing, input, ctx);
  if (existing) return { created: false, task: existing };
  const task: ManualTask = { ...input, userId: input.userId ?? null, status: 'open', createdAt: ctx.at, doneAt: null, doneBy: null };
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'task.create', subject: task.id, data: { actionId: task.actionId, appId: task.appId, userId: task.userId } }], () => [
    db.insert(manualTasks).values(task).onConflictDoNothing().returning(),
  ])) as ManualTask[][];
  if (rows?.[0]) return { created: true, task: rows[0] };
  // Lost a race with another creator of the same action's task: theirs stands.
  const theirs = await getManualTaskByAction(db, input.actionId);
  if (!theirs) throw new Error(`manual task for action \`${input.actionId}\` neither created nor found`);
  return { created: false, task: theirs };
}

/**
 * The action was done, undone since, and is queued again (edge/db/requeue.ts: a rehire after a
 * removal): its task, done long ago, is opened again for the new need, the earlier completion
 * kept in the audit log.
 */
async function reopen(db: Db, task: ManualTask, input: ManualTaskInput, ctx: WriteContext): Promise<{ created: boolean; task: ManualTask }> {
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'task.reopen', subject: task.id, data: { actionId: task.actionId, doneAt: task.doneAt, doneBy: task.doneBy } }], () => [
    db
      .update(manualTasks)
      .set({ status: 'open', description: input.description, owners: input.owners, createdAt: ctx.at, doneAt: null, doneBy: null })
      .where(and(eq(manualTasks.id, task.id), eq(manualTasks.status, 'done')))
      .returning(),
  ])) as ManualTask[][];
  // Reopened meanwhile by another delivery of the same action: theirs stands.
  return rows?.[0] ? { created: true, task: rows[0] } : { created: false, task: (await getManualTask(db, task.id)) ?? task };
}

export async function getManualTask(db: Db, id: string): Promise<ManualTask | undefined> {
  const [row] = await db.select().from(manualTasks).where(eq(manualTasks.id, id)).limit(1);
  return row;
}

export async function getManualTaskByAction(db: Db, actionId: string): Promise<ManualTask | undefined> {
  const [row] = await db.select().from(manualTasks).where(eq(manualTasks.actionId, actionId)).limit(1);
  return row;
}

export async function listManualTasks(db: Db, filter: { status?: ManualTaskStatus; appId?: string } = {}): Promise<ManualTask[]> {
  const where = [];
  if (filter.status) where.push(eq(manualTasks.status, filter.status));
  if (filter.appId) where.push(eq(manualTasks.appId, filter.appId));
  return db
    .select()
    .from(manualTasks)
    .where(and(...where))
    .orderBy(asc(manualTasks.createdAt), asc(manualTasks.id));
}

export async function completeManualTask(db: Db, id: string, ctx: WriteContext): Promise<Outcome<ManualTask, 'not_found' | 'already_done'>> {
  const current = await getManualTask(db, id);
  if (!current) return fail('not_found', `no manual task \`${id}\``);
  if (current.status === 'done') return fail('already_done', `manual task \`${id}\` was done at ${current.doneAt ?? '?'} by \`${current.doneBy ?? '?'}\``);
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'task.done', subject: id, data: { actionId: current.actionId } }], () => [
    db
      .update(manualTasks)
      .set({ status: 'done', doneAt: ctx.at, doneBy: ctx.actor })
      .where(and(eq(manualTasks.id, id), eq(manualTasks.status, 'open')))
      .returning(),
  ])) as ManualTask[][];
  return rows?.[0] ? ok(rows[0]) : fail('already_done', `manual task \`${id}\` was completed meanwhile`);
}

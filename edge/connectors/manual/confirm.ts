// An admin confirms a manual task done: the task is closed and the account change it stood for
// (`operation` on the task's action) is recorded as observed, in one batch, so the next plan
// sees the account as it now is in the app.
import { and, eq } from 'drizzle-orm';
import type { Action, ActionType } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { Db, Outcome, Statement, WriteContext } from '../../db/index.ts';
import { fail, ok } from '../../db/index.ts';
import { accountId, getAccount } from '../../db/repos/accounts.ts';
import type { ManualTask } from '../../db/repos/manual-tasks.ts';
import { getManualTask } from '../../db/repos/manual-tasks.ts';
import { getAction } from '../../db/repos/outbox.ts';
import { appAccounts, manualTasks } from '../../db/schema.ts';
import { accountRecord } from '../../dispatch/settle.ts';
import type { AccountEffect, AccountState } from '../types.ts';

const STATE: Partial<Record<ActionType, AccountState>> = {
  'account.create': 'active',
  'account.reactivate': 'active',
  'account.suspend': 'suspended',
  'account.deactivate': 'deactivated',
};

export async function confirmManualTask(db: Db, id: string, ctx: WriteContext): Promise<Outcome<ManualTask, 'not_found' | 'already_done'>> {
  const task = await getManualTask(db, id);
  if (!task) return fail('not_found', `no manual task \`${id}\``);
  if (task.status === 'done') return fail('already_done', `manual task \`${id}\` was done at ${task.doneAt ?? '?'} by \`${task.doneBy ?? '?'}\``);
  const row = await getAction(db, task.actionId);
  const action = row?.payload;
  const operation = typeof action?.attributes?.operation === 'string' ? (action.attributes.operation as ActionType) : undefined;
  const statements: Statement[] = [
    db.update(manualTasks).set({ status: 'done', doneAt: ctx.at, doneBy: ctx.actor }).where(and(eq(manualTasks.id, id), eq(manualTasks.status, 'open'))).returning(),
  ];
  if (row && action && operation && action.userId !== undefined && action.appId !== undefined) {
    const link = await getAccount(db, action.userId, action.appId);
    const account = action.attributes?.account;
    const asOperation: Action = { ...action, type: operation, ...(account && typeof account === 'object' && !Array.isArray(account) ? { attributes: account } : {}) };
    const effect: AccountEffect | undefined = operation === 'account.delete' ? { removed: true } : STATE[operation] ? { status: STATE[operation] as AccountState } : undefined;
    const record = accountRecord({ ...row, type: operation, payload: asOperation }, link, effect);
    if (record && 'removed' in record) statements.push(db.delete(appAccounts).where(and(eq(appAccounts.userId, action.userId), eq(appAccounts.appId, action.appId))));
    else if (record) {
      const values = { id: link?.id ?? accountId(action.appId, action.userId), userId: action.userId, appId: action.appId, ...record, observedAt: ctx.at, deactivatedAt: record.status === 'deactivated' ? (link?.deactivatedAt ?? ctx.at) : null };
      statements.push(db.insert(appAccounts).values(values).onConflictDoUpdate({ target: [appAccounts.userId, appAccounts.appId], set: { status: values.status, role: values.role, attributes: values.attributes, observedAt: values.observedAt, deactivatedAt: values.deactivatedAt } }));
    }
  }
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'task.done', subject: id, data: { actionId: task.actionId, operation: operation ?? null } }], () => statements)) as ManualTask[][];
  return rows?.[0] ? ok(rows[0]) : fail('already_done', `manual task \`${id}\` was completed meanwhile`);
}

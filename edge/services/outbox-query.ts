// Reading the outbox for the API: by status, app, user or run, a page at a time by action id.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import type { OutboxRow, Page } from '../db/repos/index.ts';
import { clampLimit, decodeCursor, toPage } from '../db/repos/index.ts';
import type { OutboxStatus } from '../db/schema.ts';
import { outbox } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';

export interface OutboxFilter {
  status?: OutboxStatus;
  runId?: string;
  appId?: string;
  userId?: string;
  type?: string;
  limit?: number;
  cursor?: string;
}

export async function queryOutbox(db: Db, filter: OutboxFilter): Promise<Page<OutboxRow>> {
  const limit = clampLimit(filter.limit);
  const where: SQL[] = [];
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    if (after === undefined) throw new ApiError(400, 'invalid_cursor', `cursor \`${filter.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(gt(outbox.id, after));
  }
  if (filter.status) where.push(eq(outbox.status, filter.status));
  if (filter.runId) where.push(eq(outbox.runId, filter.runId));
  if (filter.appId) where.push(eq(outbox.appId, filter.appId));
  if (filter.userId) where.push(eq(outbox.userId, filter.userId));
  if (filter.type) where.push(eq(outbox.type, filter.type as OutboxRow['type']));
  const rows = await db.select().from(outbox).where(and(...where)).orderBy(asc(outbox.id)).limit(limit + 1);
  return toPage(rows, limit, (r) => r.id);
}

/** An outbox row as the API shows it: the action (sealed secrets stay sealed) and its delivery state. */
export function outboxBody(row: OutboxRow) {
  return { id: row.id, runId: row.runId, type: row.type, userId: row.userId, appId: row.appId, groupId: row.groupId, status: row.status, attempts: row.attempts, lastError: row.lastError, notBefore: row.notBefore, nextAttemptAt: row.nextAttemptAt, createdAt: row.createdAt, updatedAt: row.updatedAt, action: hideSealed(row.payload) };
}

/** Sealed passwords are ciphertext, but nobody reading the API needs even that. */
function hideSealed(action: OutboxRow['payload']): OutboxRow['payload'] {
  if (action.type !== 'password.set' || !action.attributes) return action;
  return { ...action, attributes: { ...action.attributes, password: '(sealed)' } };
}

// Reading many identities as engine users, a page at a time (never one giant query).
import type { User } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';
import { MAX_LIMIT, getIdentities, listIdentities } from '../db/repos/index.ts';
import { toUser } from './engine.ts';

export async function allUsers(db: Db): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | undefined;
  do {
    const page = await listIdentities(db, { limit: MAX_LIMIT, ...(cursor !== undefined ? { cursor } : {}) });
    if (!page.ok) throw new Error(page.message);
    for (const row of page.value.items) users.push(toUser(row));
    cursor = page.value.nextCursor;
  } while (cursor !== undefined);
  return users;
}

/** The identities with these ids as users, in the given order; unknown ids are returned apart. */
export async function usersByIds(db: Db, ids: readonly string[]): Promise<{ users: User[]; missing: string[] }> {
  const rows = new Map((await getIdentities(db, ids)).map((r) => [r.id, r]));
  const users: User[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (row) users.push(toUser(row));
    else missing.push(id);
  }
  return { users, missing };
}

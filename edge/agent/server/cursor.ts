// Each directory's import cursor, kept by the edge: the agent reports it with every import and
// reads it back when it starts, so a restarted agent (or one on a replacement host) resumes
// its incremental imports where the last healthy one ended.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import { agentCursors } from '../../db/schema.ts';

export type StoredCursor = typeof agentCursors.$inferSelect;

export async function getCursor(db: Db, appId: string): Promise<StoredCursor | undefined> {
  const [row] = await db.select().from(agentCursors).where(eq(agentCursors.appId, appId)).limit(1);
  return row;
}

export async function saveCursor(db: Db, appId: string, cursor: string, importId: string | null, at: string): Promise<void> {
  await db
    .insert(agentCursors)
    .values({ appId, cursor, importId, updatedAt: at })
    .onConflictDoUpdate({ target: agentCursors.appId, set: { cursor, importId, updatedAt: at } });
}

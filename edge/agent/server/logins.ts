// Delegated logins waiting for a directory agent. The edge cannot reach the directory, so a
// login is written to `delegated_logins` and handed to the agent on its next poll, which binds
// as the user and answers. The asking request and the agent's poll may run in different
// processes or Workers isolates: the database is the only thing they share. The password is
// sealed (AES-GCM, bound to the row id) and cleared in the same UPDATE that hands it to an agent;
// the row is deleted when the asking request has its answer or gives up, and an expired row is
// swept by the next login. Nothing here is logged.
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db, JsonObject } from '../../db/index.ts';
import { delegatedLogins } from '../../db/schema.ts';
import { addMs } from '../../dispatch/backoff.ts';
import { seal, unseal } from '../../services/passwords.ts';

export interface LoginAnswer {
  ok: boolean;
  /** The user's entry as Roster attributes (mapped by the agent), when the bind succeeded. */
  entry?: Record<string, unknown>;
  /** Why the agent could not check (directory unreachable); a wrong password has none. */
  error?: string;
}

export interface HandedLogin {
  id: string;
  username: string;
  password: string;
}

const context = (id: string) => `login:${id}`;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface RequestOptions {
  sealKey: CryptoKey;
  /** The edge's clock (ISO-8601). */
  now(): string;
  timeoutMs: number;
  /** How often the asking request looks for the answer. */
  pollMs?: number;
}

/** Writes a pending login and waits for an agent's answer; `undefined` when none came within `timeoutMs`. */
export async function requestLogin(db: Db, input: { appId: string; id: string; username: string; password: string }, options: RequestOptions): Promise<LoginAnswer | undefined> {
  const now = options.now();
  await db.delete(delegatedLogins).where(lt(delegatedLogins.expiresAt, now));
  await db.insert(delegatedLogins).values({
    id: input.id,
    appId: input.appId,
    username: input.username,
    sealedPassword: await seal(options.sealKey, input.password, context(input.id)),
    status: 'pending',
    answer: null,
    createdAt: now,
    expiresAt: addMs(now, options.timeoutMs),
  });
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const [row] = await db.select({ status: delegatedLogins.status, answer: delegatedLogins.answer }).from(delegatedLogins).where(eq(delegatedLogins.id, input.id)).limit(1);
      if (row?.status === 'answered' && row.answer) return row.answer as unknown as LoginAnswer;
      if (!row || Date.now() >= deadline) return undefined;
      await sleep(Math.min(options.pollMs ?? 100, Math.max(0, deadline - Date.now())));
    }
  } finally {
    await db.delete(delegatedLogins).where(eq(delegatedLogins.id, input.id));
  }
}

/**
 * Hands the app's pending logins to the agent polling now. The UPDATE that marks them taken
 * also clears the sealed password and is guarded on `pending`, so of two polls only one gets
 * each login. A password that does not unseal (another seal key) is answered as an error.
 */
export async function takeLogins(db: Db, sealKey: CryptoKey, appId: string, now: string): Promise<HandedLogin[]> {
  const waiting = await db
    .select({ id: delegatedLogins.id, username: delegatedLogins.username, sealed: delegatedLogins.sealedPassword, expiresAt: delegatedLogins.expiresAt })
    .from(delegatedLogins)
    .where(and(eq(delegatedLogins.appId, appId), eq(delegatedLogins.status, 'pending')))
    .limit(50);
  const live = waiting.filter((w) => w.expiresAt > now && w.sealed !== null);
  if (live.length === 0) return [];
  const taken = await db
    .update(delegatedLogins)
    .set({ status: 'taken', sealedPassword: null })
    .where(and(inArray(delegatedLogins.id, live.map((w) => w.id)), eq(delegatedLogins.status, 'pending')))
    .returning({ id: delegatedLogins.id });
  const mine = new Set(taken.map((t) => t.id));
  const out: HandedLogin[] = [];
  for (const w of live) {
    if (!mine.has(w.id)) continue;
    const password = await unseal(sealKey, w.sealed as string, context(w.id));
    if (password === undefined) await answerLogin(db, appId, w.id, { ok: false, error: 'the login could not be unsealed by this edge' });
    else out.push({ id: w.id, username: w.username, password });
  }
  return out;
}

/** Stores an agent's answer for a login it was handed; false when no such login waits for one. */
export async function answerLogin(db: Db, appId: string, id: string, answer: LoginAnswer): Promise<boolean> {
  const rows = await db
    .update(delegatedLogins)
    .set({ status: 'answered', answer: answer as unknown as JsonObject })
    .where(and(eq(delegatedLogins.id, id), eq(delegatedLogins.appId, appId), eq(delegatedLogins.status, 'taken')))
    .returning({ id: delegatedLogins.id });
  return rows.length > 0;
}

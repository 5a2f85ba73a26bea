// UI sessions: a random cookie value handed to the browser once (HttpOnly), stored as its
// sha256 beside the token it was made from. A session dies with its token (revocation) or at
// `expiresAt`; signing out deletes it.
import { eq, lt } from 'drizzle-orm';
import { sha256Hex } from '../../engine/hash.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { sessions, tokens } from '../db/schema.ts';
import { timingSafeEqual } from './tokens.ts';
import type { TokenInfo } from './tokens.ts';

export const SESSION_COOKIE = 'roster_session';
/** A working day: long enough for a review, short enough that a forgotten tab expires. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A new session for `token`: the cookie value (shown once) and when it expires. */
export async function createSession(db: Db, token: TokenInfo, ctx: WriteContext): Promise<{ secret: string; expiresAt: string }> {
  const secret = newSecret();
  const expiresAt = new Date(Date.parse(ctx.at) + SESSION_TTL_MS).toISOString();
  await writeWithAudit(db, [{ ...ctx, actor: `token:${token.id}`, type: 'session.create', subject: token.id, data: { expiresAt } }], () => [
    db.delete(sessions).where(lt(sessions.expiresAt, ctx.at)),
    db.insert(sessions).values({ id: sha256Hex(secret), tokenId: token.id, expiresAt }),
  ]);
  return { secret, expiresAt };
}

/** The token behind a session cookie, if the session exists, has not expired and its token is not revoked. */
export async function resolveSession(db: Db, secret: string, now: string): Promise<(TokenInfo & { expiresAt: string }) | undefined> {
  if (!SESSION_PATTERN.test(secret)) return undefined;
  const hash = sha256Hex(secret);
  const [row] = await db.select().from(sessions).where(eq(sessions.id, hash)).limit(1);
  if (!row || !timingSafeEqual(row.id, hash) || row.expiresAt <= now) return undefined;
  const [token] = await db.select().from(tokens).where(eq(tokens.id, row.tokenId)).limit(1);
  if (!token || token.revokedAt !== null) return undefined;
  const { hash: _hash, ...info } = token;
  return { ...info, expiresAt: row.expiresAt };
}

export async function deleteSession(db: Db, secret: string, ctx: WriteContext): Promise<void> {
  if (!SESSION_PATTERN.test(secret)) return;
  await writeWithAudit(db, [{ ...ctx, type: 'session.delete', subject: null, data: {} }], () => [db.delete(sessions).where(eq(sessions.id, sha256Hex(secret)))]);
}

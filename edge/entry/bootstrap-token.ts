// The first admin token of a deployment that has no console to print one (Workers): the
// operator makes a token locally, keeps it, and stores it as the secret ROSTER_BOOTSTRAP_TOKEN.
// At start, its hash is stored once under the fixed id `tok_bootstrap`; revoking that token
// later is final (the row stays, so it is never stored again). The plaintext is never stored.
import { and, eq, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../engine/hash.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db } from '../db/index.ts';
import { tokens } from '../db/schema.ts';

const BOOTSTRAP_ID = 'tok_bootstrap';
const ADMIN_TOKEN = /^rst_admin_[A-Za-z0-9_-]{43}$/;

/** Stores the bootstrap token when no admin token is usable yet; true when it did. */
export async function storeBootstrapToken(db: Db, token: string, at: string): Promise<boolean> {
  if (!ADMIN_TOKEN.test(token)) throw new Error('ROSTER_BOOTSTRAP_TOKEN is not an admin token: make one with `echo rst_admin_$(openssl rand -base64 32 | tr "+/" "-_" | tr -d "=")`');
  const [known] = await db.select({ id: tokens.id }).from(tokens).where(eq(tokens.id, BOOTSTRAP_ID)).limit(1);
  if (known) return false;
  const [admin] = await db.select({ id: tokens.id }).from(tokens).where(and(eq(tokens.scope, 'admin'), isNull(tokens.revokedAt))).limit(1);
  if (admin) return false;
  const info = { id: BOOTSTRAP_ID, name: 'bootstrap (ROSTER_BOOTSTRAP_TOKEN)', scope: 'admin' as const, sourceId: null, createdAt: at, lastUsedAt: null, revokedAt: null };
  await writeWithAudit(db, [{ at, actor: 'bootstrap', type: 'token.create', subject: info.id, data: { name: info.name, scope: info.scope, sourceId: null } }], () => [
    db.insert(tokens).values({ ...info, hash: sha256Hex(token) }).onConflictDoNothing(),
  ]);
  return true;
}

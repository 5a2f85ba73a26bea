// Scoped bearer tokens. The plaintext (`rst_<scope>_<43 base64url chars>`) is returned once by
// `createToken` and never stored: the database keeps its sha256. Verification hashes what was
// presented, finds the row by hash, and compares the hashes again in constant time.
import { asc, eq, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { sha256Hex } from '../../engine/hash.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, Outcome, WriteContext } from '../db/index.ts';
import { fail, isConstraintError, ok } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import { TOKEN_SCOPES, isTokenScope } from './scopes.ts';
import type { TokenScope } from './scopes.ts';
import { tokens } from '../db/schema.ts';

export { TOKEN_SCOPES, isTokenScope };
export type { TokenScope };

/** A token as listed: everything but its hash. */
export type TokenInfo = Omit<typeof tokens.$inferSelect, 'hash'>;

const TOKEN_PATTERN = new RegExp(`^rst_(${TOKEN_SCOPES.join('|')})_[A-Za-z0-9_-]{43}$`);
/** lastUsedAt is refreshed at most this often, so verification is a read on the hot path. */
const LAST_USED_GRANULARITY_MS = 60_000;


export async function createToken(
  db: Db,
  input: { scope: TokenScope; name?: string; sourceId?: string | null },
  ctx: WriteContext,
): Promise<{ token: string; info: TokenInfo }> {
  if (!isTokenScope(input.scope)) throw new Error(`unknown token scope \`${String(input.scope)}\``);
  const token = `rst_${input.scope}_${base64url(randomBytes(32))}`;
  const info: TokenInfo = {
    id: `tok_${base64url(randomBytes(9))}`,
    name: input.name ?? `${input.scope} token`,
    scope: input.scope,
    sourceId: input.sourceId ?? null,
    createdAt: ctx.at,
    lastUsedAt: null,
    revokedAt: null,
  };
  await writeWithAudit(db, [{ ...ctx, type: 'token.create', subject: info.id, data: { name: info.name, scope: info.scope, sourceId: info.sourceId } }], () => [
    db.insert(tokens).values({ ...info, hash: sha256Hex(token) }),
  ]);
  return { token, info };
}

export type VerifyFailure = 'malformed' | 'unknown' | 'revoked';

/** Who presented `presented`, or why not. `now` refreshes lastUsedAt (coarsely). */
export async function verifyToken(db: Db, presented: string, now?: string): Promise<Outcome<TokenInfo, VerifyFailure>> {
  if (!TOKEN_PATTERN.test(presented)) return fail('malformed', 'not a roster token');
  const hash = sha256Hex(presented);
  const [row] = await prepared(db, 'token.byHash', (d) => d.select().from(tokens).where(eq(tokens.hash, sql.placeholder('hash'))).limit(1).prepare()).all({ hash });
  if (!row || !timingSafeEqual(row.hash, hash)) return fail('unknown', 'unknown token');
  if (row.revokedAt !== null) return fail('revoked', `token \`${row.id}\` was revoked`);
  const { hash: _hash, ...info } = row;
  if (now !== undefined && (info.lastUsedAt === null || Date.parse(now) - Date.parse(info.lastUsedAt) >= LAST_USED_GRANULARITY_MS)) {
    await db.update(tokens).set({ lastUsedAt: now }).where(eq(tokens.id, info.id));
    info.lastUsedAt = now;
  }
  return ok(info);
}

export async function listTokens(db: Db): Promise<TokenInfo[]> {
  return db
    .select({ id: tokens.id, name: tokens.name, scope: tokens.scope, sourceId: tokens.sourceId, createdAt: tokens.createdAt, lastUsedAt: tokens.lastUsedAt, revokedAt: tokens.revokedAt })
    .from(tokens)
    .orderBy(asc(tokens.createdAt), asc(tokens.id));
}

export type RevokeFailure = 'not_found' | 'already_revoked' | 'last_admin';

/**
 * Revokes `id` (the row stays, listed with revokedAt). With `keepAnAdmin`, the last active
 * admin token is refused: on a Worker over D1 no console can make another, so the deployment
 * would be locked out for good.
 */
export async function revokeToken(db: Db, id: string, ctx: WriteContext, options: { keepAnAdmin?: boolean } = {}): Promise<Outcome<TokenInfo, RevokeFailure>> {
  const [row] = await db.select().from(tokens).where(eq(tokens.id, id)).limit(1);
  if (!row) return fail('not_found', `no token \`${id}\``);
  if (row.revokedAt !== null) return fail('already_revoked', `token \`${id}\` was revoked at ${row.revokedAt}`);
  const guarded = options.keepAnAdmin === true && row.scope === 'admin';
  try {
    await writeWithAudit(db, [{ ...ctx, type: 'token.revoke', subject: id, data: { name: row.name, scope: row.scope } }], () => [
      db.update(tokens).set({ revokedAt: sql`coalesce(${tokens.revokedAt}, ${ctx.at})`, ...(guarded ? { hash: unlessLastAdmin(id) } : {}) }).where(eq(tokens.id, id)),
    ]);
  } catch (error) {
    if (guarded && isConstraintError(error, 'tokens.hash')) {
      return fail('last_admin', `\`${id}\` is the last active admin token: create another admin token first, then revoke this one`);
    }
    throw error;
  }
  const { hash: _hash, ...info } = row;
  return ok({ ...info, revokedAt: ctx.at });
}

/**
 * The hash unchanged while another admin token is active, else NULL, which the column refuses,
 * failing the whole batch (audit row included). Checked in the statement rather than read
 * before it, so two admins revoking the last two admin tokens at once cannot both succeed.
 */
function unlessLastAdmin(id: string): SQL {
  return sql`CASE WHEN EXISTS (SELECT 1 FROM tokens AS other WHERE other.scope = 'admin' AND other.revoked_at IS NULL AND other.id <> ${id}) THEN hash ELSE NULL END`;
}

/** Equal-length strings compared without an early exit. */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

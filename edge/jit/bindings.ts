// Which IdP account an identity belongs to: (issuer, subject) → identity, the link Okta calls
// an "IdP account link". OIDC Core §5.7: only `iss` + `sub` name an end-user stably; a login
// claim such as `preferred_username` may be edited by the user or reused by another issuer, so
// it may find an identity on a first login but never moves a login to another identity after.
// One identity has at most one IdP account (the unique index on `user_id`): a second issuer or
// subject naming a bound identity is refused, not added, since either could then act for it.
import { and, eq, sql } from 'drizzle-orm';
import { writeWithAudit } from '../audit/chain.ts';
import type { Db, Outcome, Statement, WriteContext } from '../db/index.ts';
import { fail, ok } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import type { Identity } from '../db/repos/identities.ts';
import { identities, jitBindings } from '../db/schema.ts';

export type Binding = typeof jitBindings.$inferSelect;
export type BindingKey = Pick<Binding, 'issuer' | 'subject'>;

/** The identity the IdP account is bound to, read in one query (the login's hot path). */
export async function boundIdentity(db: Db, key: BindingKey): Promise<Identity | undefined> {
  const query = prepared(db, 'jit.boundIdentity', (d) =>
    d
      .select({ identity: identities })
      .from(jitBindings)
      .innerJoin(identities, eq(identities.id, jitBindings.userId))
      .where(and(eq(jitBindings.issuer, sql.placeholder('issuer')), eq(jitBindings.subject, sql.placeholder('subject'))))
      .limit(1)
      .prepare(),
  );
  const [row] = await query.all({ issuer: key.issuer, subject: key.subject });
  return row?.identity;
}

export async function bindingOf(db: Db, userId: string): Promise<Binding | undefined> {
  const [row] = await db.select().from(jitBindings).where(eq(jitBindings.userId, userId)).limit(1);
  return row;
}

/**
 * The insert that binds, for the batch that writes the login's identity. The identity may be
 * deleted after the login read it: then `user_id` is NULL and the whole batch fails, rather than
 * leave a binding that a later identity with the same id would inherit.
 */
export function bindStatement(db: Db, binding: Binding): Statement {
  const userId = sql`CASE WHEN EXISTS (SELECT 1 FROM ${identities} WHERE ${identities.id} = ${binding.userId}) THEN ${binding.userId} ELSE NULL END`;
  return db.insert(jitBindings).values({ ...binding, userId });
}

/** Why the IdP account may not take over `identity`, which is bound to `other`. */
export function boundElsewhere(identity: Pick<Identity, 'id' | 'login'>, other: BindingKey, key: BindingKey): string {
  const who = `identity \`${identity.id}\` (login \`${identity.login}\`)`;
  if (other.issuer === key.issuer) return `${who} is bound to another account (\`sub\`) of issuer \`${key.issuer}\`, not to \`${key.subject}\``;
  return `${who} is bound to an account of issuer \`${other.issuer}\`; an identity signs in from one IdP account only`;
}

/** Removes an identity's binding (an admin moving it to another IdP account); its next login binds afresh. */
export async function unbind(db: Db, userId: string, ctx: WriteContext): Promise<Outcome<Binding, 'not_found'>> {
  const binding = await bindingOf(db, userId);
  if (!binding) return fail('not_found', `identity \`${userId}\` is bound to no IdP account`);
  const event = { ...ctx, type: 'identity.unbind', subject: userId, data: { issuer: binding.issuer, subject: binding.subject } };
  await writeWithAudit(db, [event], () => [db.delete(jitBindings).where(and(eq(jitBindings.issuer, binding.issuer), eq(jitBindings.subject, binding.subject), eq(jitBindings.userId, userId)))]);
  return ok(binding);
}

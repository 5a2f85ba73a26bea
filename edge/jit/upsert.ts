// The identity a verified login writes. A bound IdP account (edge/jit/bindings.ts) writes its
// own identity, whatever the login claim now says (a changed login is applied if no one else
// holds it in any case). The first login of an account finds the identity by the id claim,
// else by its login, and binds it if no IdP account holds it; none found, it is created and
// bound. The identity, the binding and their audit events go in ONE batch, so a login never
// leaves a binding without its identity or the other way round. A lost race is read again.
import { eq, sql } from 'drizzle-orm';
import { effectiveAttributes, emptyProfile, mergeProfile, sameValue } from '../../engine/lifecycle/attribute-sources.ts';
import type { AttributeSources } from '../../engine/lifecycle/attribute-sources.ts';
import { writeWithAudit } from '../audit/chain.ts';
import type { AuditEvent } from '../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../db/index.ts';
import { isConstraintError } from '../db/index.ts';
import { getIdentity, getIdentityByLogin, newIdentityRow } from '../db/repos/identities.ts';
import type { Identity } from '../db/repos/identities.ts';
import { identities } from '../db/schema.ts';
import { DEFAULT_ATTRIBUTE_SOURCES, storedSources } from '../import/merge.ts';
import { bindStatement, bindingOf, boundElsewhere, boundIdentity } from './bindings.ts';
import type { Binding, BindingKey } from './bindings.ts';

const JIT_SOURCE = 'jit';

export interface LoginClaims extends BindingKey {
  id?: string;
  login: string;
  attributes: Record<string, unknown>;
}

export type Refusal = { ok: false; status: 401 | 409; code: 'invalid_id_token' | 'jit_binding_conflict' | 'duplicate_login' | 'conflict'; reason: string };
export type Upserted = { ok: true; row: Identity; created: boolean } | Refusal;

/** How the identity of an account's first login was found, as its `identity.bind` event says. */
type Found = 'created' | 'by login' | 'by id claim';

const MAX_ATTEMPTS = 3;

export async function upsertFromClaims(db: Db, input: LoginClaims, options: { sources?: AttributeSources; newId(): string }, ctx: WriteContext, attempt = 1): Promise<Upserted> {
  const sources = options.sources ?? DEFAULT_ATTRIBUTE_SOURCES;
  const key: BindingKey = { issuer: input.issuer, subject: input.subject };
  const bound = await boundIdentity(db, key);
  if (bound && input.id !== undefined && input.id !== bound.id) {
    return refuse(409, 'jit_binding_conflict', `the account \`${key.subject}\` of issuer \`${key.issuer}\` is bound to identity \`${bound.id}\`, but its id claim names \`${input.id}\``);
  }
  const current = bound ?? (input.id !== undefined ? await getIdentity(db, input.id) : await getIdentityByLogin(db, input.login));
  if (current && !bound) {
    const other = await bindingOf(db, current.id);
    if (other) return refuse(409, 'jit_binding_conflict', boundElsewhere(current, other, key));
  }
  const found: Found | undefined = bound ? undefined : current === undefined ? 'created' : input.id !== undefined ? 'by id claim' : 'by login';
  const binding: Binding | undefined = found && { ...key, userId: current?.id ?? input.id ?? options.newId(), createdAt: ctx.at };

  const merged = mergeProfile(current ? storedSources(current, sources) : emptyProfile(), JIT_SOURCE, input.attributes, sources, 'incremental');
  const profile = effectiveAttributes(merged.profile);
  const email = typeof profile.email === 'string' ? profile.email : (current?.email ?? null);
  const changed: Identity | undefined = current && { ...current, login: input.login, email, profile, sources: merged.profile.values, version: current.version + 1, updatedAt: ctx.at };
  const same = current !== undefined && changed !== undefined && sameIdentity(current, changed);
  if (same && !binding) return { ok: true, row: current, created: false };
  // A first login that only binds leaves the identity (and its version, the ETag) as it is.
  const next = same ? current : (changed ?? newIdentityRow({ id: binding?.userId ?? options.newId(), login: input.login, email, status: 'ACTIVE', profile, sources: merged.profile.values }, ctx.at));

  const events: AuditEvent[] = [];
  if (!current) events.push({ ...ctx, type: 'identity.create', subject: next.id, data: { via: 'jit', login: next.login, status: next.status, profile: next.profile as JsonObject } });
  else if (!same) {
    const data: JsonObject = { via: 'jit', version: next.version, changes: merged.changes.map((c) => c.summary) };
    if (current.login !== next.login) data.login = { from: current.login, to: next.login };
    events.push({ ...ctx, type: 'identity.update', subject: next.id, data });
  }
  if (binding && found) events.push({ ...ctx, type: 'identity.bind', subject: next.id, data: { issuer: binding.issuer, subject: binding.subject, found } });

  const loginFree = sql`NOT EXISTS (SELECT 1 FROM ${identities} AS taken WHERE taken.login = ${next.login} COLLATE NOCASE AND taken.id <> ${next.id})`;
  // NULL breaks NOT NULL: a login held in any case, or a change since the read, fails the whole batch.
  const write = (): Statement[] => [
    current
      ? db
          .update(identities)
          .set({ login: next.login, email: next.email, profile: next.profile, sources: next.sources, updatedAt: next.updatedAt, version: sql`CASE WHEN ${identities.version} = ${current.version} AND ${loginFree} THEN ${next.version} ELSE NULL END` })
          .where(eq(identities.id, current.id))
          .returning({ id: identities.id })
      : db.insert(identities).values({ ...next, version: sql`CASE WHEN ${loginFree} THEN ${next.version} ELSE NULL END` }).returning({ id: identities.id }),
    ...(binding ? [bindStatement(db, binding)] : []),
  ];
  const again = (): Promise<Upserted> => (attempt < MAX_ATTEMPTS ? upsertFromClaims(db, input, options, ctx, attempt + 1) : Promise.resolve(refuse(409, 'conflict', 'the identity changed during login; try again')));
  let results: unknown[];
  try {
    results = await writeWithAudit(db, events, write);
  } catch (error) {
    if (isConstraintError(error, 'identities.version') || isConstraintError(error, 'identities.login')) {
      const holder = await loginHolder(db, next.login, next.id);
      if (holder !== undefined && current) return refuse(409, 'duplicate_login', taken(next.login, holder));
      // Made in this very case by a login meanwhile (maybe this account's own): the next attempt finds it.
      if (holder !== undefined && holder !== next.login) return refuse(401, 'invalid_id_token', taken(next.login, holder));
      return again();
    }
    // Another login created this id or bound this account or identity meanwhile: read again.
    if (isConstraintError(error, 'identities.id') || isConstraintError(error, 'jit_bindings.')) return again();
    throw error;
  }
  // Deleted since it was read: the next attempt finds no identity (its binding went with it).
  if ((results[0] as unknown[]).length === 0) return again();
  return { ok: true, row: next, created: !current };
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return a.login === b.login && a.email === b.email && sameValue(a.profile, b.profile) && sameValue(a.sources, b.sources);
}

/** Who holds `login` in any case, other than `exceptId`. */
async function loginHolder(db: Db, login: string, exceptId: string): Promise<string | undefined> {
  const [row] = await db.all<{ login: string }>(sql`SELECT login FROM ${identities} WHERE login = ${login} COLLATE NOCASE AND id <> ${exceptId} LIMIT 1`);
  return row?.login;
}

function taken(login: string, holder: string): string {
  return `login \`${login}\` is taken${holder === login ? '' : `: \`${holder}\` is the same login in another case`}`;
}

function refuse(status: Refusal['status'], code: Refusal['code'], reason: string): Refusal {
  return { ok: false, status, code, reason };
}

// Identities: one corporate identity per person. Updates carry the version the caller read
// (the ETag); the version check is inside the UPDATE itself, so a stale write fails the whole
// batch (audit row included) and comes back as `conflict`.
import { and, asc, eq, gt, inArray, ne, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Json, UserStatus } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, JsonObject, Outcome, WriteContext } from '../index.ts';
import { chunkRows, fail, isConstraintError, ok, paramLimit } from '../index.ts';
import { prepared } from '../prepared.ts';
import { identities } from '../schema.ts';
import type { Page } from './cursor.ts';
import { clampLimit, decodeCursor, toPage } from './cursor.ts';

export type Identity = typeof identities.$inferSelect;

export interface IdentityInput {
  id: string;
  login: string;
  email?: string | null;
  status?: UserStatus;
  profile?: Record<string, unknown>;
  sources?: Identity['sources'];
}

export type IdentityPatch = Partial<Pick<Identity, 'login' | 'email' | 'status' | 'profile' | 'sources' | 'passwordHash' | 'passwordChangedAt' | 'passwordHistory'>>;

/** Never written to the audit log, only named. */
const SECRET_FIELDS = new Set(['passwordHash', 'passwordHistory']);

export async function getIdentity(db: Db, id: string): Promise<Identity | undefined> {
  const [row] = await prepared(db, 'identity.byId', (d) => d.select().from(identities).where(eq(identities.id, sql.placeholder('id'))).limit(1).prepare()).all({ id });
  return row;
}

export async function getIdentityByLogin(db: Db, login: string): Promise<Identity | undefined> {
  const [row] = await prepared(db, 'identity.byLogin', (d) => d.select().from(identities).where(eq(identities.login, sql.placeholder('login'))).limit(1).prepare()).all({ login });
  return row;
}

export async function getIdentities(db: Db, ids: readonly string[]): Promise<Identity[]> {
  const out: Identity[] = [];
  for (const chunk of chunkRows(ids, 1, paramLimit(db))) out.push(...(await db.select().from(identities).where(inArray(identities.id, chunk))));
  return out;
}

export function newIdentityRow(input: IdentityInput, at: string): Identity {
  return {
    id: input.id,
    login: input.login,
    email: input.email ?? null,
    status: input.status ?? 'ACTIVE',
    profile: input.profile ?? {},
    sources: input.sources ?? {},
    passwordHash: null,
    passwordChangedAt: null,
    passwordHistory: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * How a new login is compared with the others. `exact` is the column's own uniqueness;
 * `ignore-case` also refuses `Alice` beside `alice` (as SCIM's userName, RFC 7643 §4.1, and
 * Okta's and Entra's logins are), checked inside the write itself so two creates cannot both win.
 */
export interface LoginRule {
  login?: 'exact' | 'ignore-case';
}

/** SQL true when an identity other than `exceptId` holds `login` in any case. */
function loginTakenSql(login: string, exceptId?: string): SQL {
  const other = exceptId === undefined ? sql`` : sql` AND taken.id <> ${exceptId}`;
  return sql`EXISTS (SELECT 1 FROM ${identities} AS taken WHERE taken.login = ${login} COLLATE NOCASE${other})`;
}

/** Who holds `login` in any case (other than `exceptId`), to say so in the refusal. */
async function loginHolder(db: Db, login: string, exceptId?: string): Promise<string | undefined> {
  const where = exceptId === undefined ? sql`${identities.login} = ${login} COLLATE NOCASE` : and(sql`${identities.login} = ${login} COLLATE NOCASE`, ne(identities.id, exceptId));
  const [row] = await db.select({ login: identities.login }).from(identities).where(where).limit(1);
  return row?.login;
}

function loginTaken(login: string, holder: string | undefined) {
  const why = holder !== undefined && holder !== login ? `: \`${holder}\` is the same login in another case` : '';
  return fail('duplicate_login' as const, `login \`${login}\` is taken${why}`);
}

export async function createIdentity(db: Db, input: IdentityInput, ctx: WriteContext, rule: LoginRule = {}): Promise<Outcome<Identity, 'exists' | 'duplicate_login'>> {
  const row = newIdentityRow(input, ctx.at);
  const event: AuditEvent = { ...ctx, type: 'identity.create', subject: row.id, data: { login: row.login, status: row.status, profile: row.profile as JsonObject } };
  const ignoreCase = rule.login === 'ignore-case';
  // NULL breaks NOT NULL: a login taken in another case fails the whole batch (audit row included).
  const version = ignoreCase ? sql`CASE WHEN ${loginTakenSql(row.login)} THEN NULL ELSE ${row.version} END` : row.version;
  try {
    await writeWithAudit(db, [event], () => [db.insert(identities).values({ ...row, version })]);
  } catch (error) {
    if (isConstraintError(error, 'identities.login')) return loginTaken(row.login, undefined);
    if (ignoreCase && isConstraintError(error, 'identities.version')) return loginTaken(row.login, await loginHolder(db, row.login));
    if (isConstraintError(error, 'identities.id')) return fail('exists', `identity \`${row.id}\` exists`);
    throw error;
  }
  return ok(row);
}

export async function updateIdentity(
  db: Db,
  id: string,
  expectedVersion: number,
  patch: IdentityPatch,
  ctx: WriteContext,
  rule: LoginRule = {},
): Promise<Outcome<Identity, 'not_found' | 'conflict' | 'duplicate_login'>> {
  // A row deleted between this read and the batch leaves the UPDATE matching nothing: the
  // caller gets not_found, and the audit row records an update attempt that changed nothing.
  const current = await getIdentity(db, id);
  if (!current) return fail('not_found', `no identity \`${id}\``);
  if (current.version !== expectedVersion) return conflict(id, expectedVersion, current.version);
  const changes = describeChanges(current, patch);
  // A patch that changes nothing writes nothing: no new version for other readers' ETags to miss, no audit row.
  if (Object.keys(changes).length === 0 && (patch.sources === undefined || JSON.stringify(patch.sources) === JSON.stringify(current.sources))) return ok(current);
  const event: AuditEvent = { ...ctx, type: 'identity.update', subject: id, data: { version: expectedVersion + 1, changes } };
  const newLogin = rule.login === 'ignore-case' && patch.login !== undefined ? patch.login : undefined;
  const loginFree = newLogin === undefined ? sql`` : sql` AND NOT ${loginTakenSql(newLogin, id)}`;
  let results: unknown[];
  try {
    results = await writeWithAudit(db, [event], () => [
      db
        .update(identities)
        // NULL violates NOT NULL: a concurrent writer's bump (or a login taken in another case) fails this whole batch.
        .set({ ...patch, version: sql`CASE WHEN ${identities.version} = ${expectedVersion}${loginFree} THEN ${expectedVersion + 1} ELSE NULL END`, updatedAt: ctx.at })
        .where(eq(identities.id, id))
        .returning(),
    ]);
  } catch (error) {
    if (isConstraintError(error, 'identities.version')) {
      const holder = newLogin === undefined ? undefined : await loginHolder(db, newLogin, id);
      return holder === undefined ? conflict(id, expectedVersion, undefined) : loginTaken(newLogin as string, holder);
    }
    if (isConstraintError(error, 'identities.login')) return loginTaken(patch.login ?? '', undefined);
    throw error;
  }
  const [row] = results[0] as Identity[];
  return row ? ok(row) : fail('not_found', `no identity \`${id}\``);
}

function conflict(id: string, expected: number, actual: number | undefined) {
  const now = actual === undefined ? 'it changed meanwhile' : `it is at version ${actual}`;
  return fail('conflict' as const, `identity \`${id}\` was expected at version ${expected} but ${now}`);
}

function describeChanges(current: Identity, patch: IdentityPatch): JsonObject {
  const changes: JsonObject = {};
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (SECRET_FIELDS.has(field)) {
      changes[field] = '(changed)';
      continue;
    }
    if (field === 'profile') {
      const before = current.profile;
      const after = value as Record<string, unknown>;
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changes[`profile.${key}`] = { from: (before[key] ?? null) as Json, to: (after[key] ?? null) as Json };
      }
      continue;
    }
    if (field === 'sources') continue;
    const before = (current as Record<string, unknown>)[field];
    if (JSON.stringify(before) !== JSON.stringify(value)) changes[field] = { from: (before ?? null) as Json, to: value as Json };
  }
  return changes;
}

export async function deleteIdentity(db: Db, id: string, ctx: WriteContext): Promise<Outcome<{ id: string }, 'not_found'>> {
  const current = await getIdentity(db, id);
  if (!current) return fail('not_found', `no identity \`${id}\``);
  await writeWithAudit(db, [{ ...ctx, type: 'identity.delete', subject: id, data: { login: current.login } }], () => [db.delete(identities).where(eq(identities.id, id))]);
  return ok({ id });
}

export interface IdentityFilter {
  status?: string;
  /** Exact matches on profile attributes, e.g. `{department: 'Engineering'}`. */
  attributes?: Record<string, string | number | boolean>;
  /** Substring of login, email or display name (case-insensitive for ASCII). */
  q?: string;
  limit?: number;
  cursor?: string;
}

export async function listIdentities(db: Db, filter: IdentityFilter = {}): Promise<Outcome<Page<Identity>, 'bad_cursor'>> {
  const limit = clampLimit(filter.limit);
  const where: SQL[] = [];
  if (filter.cursor !== undefined) {
    const after = decodeCursor(filter.cursor);
    if (after === undefined) return fail('bad_cursor', `cursor \`${filter.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(gt(identities.id, after));
  }
  if (filter.status) where.push(eq(identities.status, filter.status));
  for (const [name, value] of Object.entries(filter.attributes ?? {})) where.push(attributeEquals(name, value));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const matches = (column: SQL | AnySQLiteColumn) => sql`${column} LIKE ${pattern} ESCAPE '\\'`;
    where.push(or(matches(identities.login), matches(identities.email), matches(sql`json_extract(${identities.profile}, '$.displayName')`)) as SQL);
  }
  const rows = await db
    .select()
    .from(identities)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(identities.id))
    .limit(limit + 1);
  return ok(toPage(rows, limit, (r) => r.id));
}

/**
 * A profile attribute equal to `value`. Text (a query string) matches a number or boolean as JSON
 * writes it (`?employeeNumber=1234`, `?contractor=true`): json_extract gives SQLite's 1234 and 1,
 * which a text parameter never equals.
 */
function attributeEquals(name: string, value: string | number | boolean): SQL {
  const path = jsonPath(name);
  if (typeof value !== 'string') return sql`json_extract(${identities.profile}, ${path}) = ${typeof value === 'boolean' ? Number(value) : value}`;
  const asText = sql`CASE json_type(${identities.profile}, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(${identities.profile}, ${path}) AS TEXT) END`;
  return sql`${asText} = ${value}`;
}

/** `$."name"`: attribute names are quoted so dots and spaces in them stay one key. */
function jsonPath(name: string): string {
  return `$.${JSON.stringify(name)}`;
}

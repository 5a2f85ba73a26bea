// Users in storage: list (filter, sort and page run in SQL), read, and write. A write is ONE
// batch: the identity row (version-guarded), its scim_resources row, the audit event and the
// engine's run and outbox actions for that user (store/plan.ts).
import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { emptyProfile, mergeProfile } from '../../../engine/lifecycle/attribute-sources.ts';
import type { UserStatus } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, JsonObject, Statement, WriteContext } from '../../db/index.ts';
import { chunkRows, isConstraintError, paramLimit } from '../../db/index.ts';
import type { Identity } from '../../db/repos/identities.ts';
import { newIdentityRow } from '../../db/repos/identities.ts';
import { groups, identities, memberships, scimResources } from '../../db/schema.ts';
import { DEFAULT_ATTRIBUTE_SOURCES, storedSources } from '../../import/merge.ts';
import { badRequest, conflict, preconditionFailed } from '../errors.ts';
import type { ScimRow } from '../resource/meta.ts';
import type { UserView, UserWrite } from '../resource/user-map.ts';
import { loadRuleSet } from '../../services/engine.ts';
import type { PasswordDeps } from '../../services/password-change.ts';
import { passwordRun, preparePassword } from '../../services/password-change.ts';
import { runEvent, runStatements } from '../../services/run-writes.ts';
import { planWrite } from './plan.ts';

export const SCIM_SOURCE = 'scim';
export const r = alias(scimResources, 'r');

const joined = (db: Db) => db.select({ identity: identities, scim: r }).from(identities).leftJoin(r, and(eq(r.resourceType, 'User'), eq(r.id, identities.id)));

export interface ListQuery {
  where: SQL | undefined;
  orderBy: SQL[];
  offset: number;
  limit: number;
}

export async function findUsers(db: Db, query: ListQuery): Promise<{ total: number; views: UserView[] }> {
  const [total] = await db.select({ n: count() }).from(identities).leftJoin(r, and(eq(r.resourceType, 'User'), eq(r.id, identities.id))).where(query.where);
  if (query.limit === 0) return { total: total?.n ?? 0, views: [] };
  const rows = await joined(db).where(query.where).orderBy(...query.orderBy, asc(identities.id)).limit(query.limit).offset(query.offset);
  return { total: total?.n ?? 0, views: await toViews(db, rows) };
}

export async function getUserView(db: Db, id: string): Promise<UserView | undefined> {
  const rows = await joined(db).where(eq(identities.id, id)).limit(1);
  return (await toViews(db, rows))[0];
}

/** The name a user shows as a member or manager. */
export function displayOf(identity: Pick<Identity, 'login' | 'profile'>): string {
  const p = identity.profile;
  if (typeof p.displayName === 'string' && p.displayName !== '') return p.displayName;
  const full = [p.firstName, p.lastName].filter((s) => typeof s === 'string' && s !== '').join(' ');
  return full !== '' ? full : identity.login;
}

async function toViews(db: Db, rows: { identity: Identity; scim: ScimRow | null }[]): Promise<UserView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.identity.id);
  const groupsOf = new Map<string, { id: string; name: string }[]>();
  for (const chunk of chunkRows(ids, 1, paramLimit(db))) {
    const found = await db.select({ userId: memberships.userId, id: groups.id, name: groups.name }).from(memberships).innerJoin(groups, eq(groups.id, memberships.groupId)).where(inArray(memberships.userId, chunk)).orderBy(asc(groups.id));
    for (const m of found) groupsOf.set(m.userId, [...(groupsOf.get(m.userId) ?? []), { id: m.id, name: m.name }]);
  }
  const managerIds = [...new Set(rows.map((row) => row.identity.profile.managerId).filter((m): m is string => typeof m === 'string'))];
  const managers = new Map<string, string>();
  for (const chunk of chunkRows(managerIds, 1, paramLimit(db))) {
    for (const m of await db.select({ id: identities.id, login: identities.login, profile: identities.profile }).from(identities).where(inArray(identities.id, chunk))) managers.set(m.id, displayOf(m));
  }
  return rows.map(({ identity, scim }) => {
    const managerId = identity.profile.managerId;
    const view: UserView = { identity, scim: scim ?? undefined, groups: groupsOf.get(identity.id) ?? [] };
    if (typeof managerId === 'string') view.manager = { id: managerId, displayName: managers.get(managerId) };
    return view;
  });
}

/** 409 uniqueness when another identity holds `login` in any case (RFC 7643 §4.1: userName is case-insensitive). */
export async function checkLoginFree(db: Db, login: string, exceptId: string | undefined): Promise<void> {
  const where = exceptId === undefined ? sql`${identities.login} = ${login} COLLATE NOCASE` : and(sql`${identities.login} = ${login} COLLATE NOCASE`, ne(identities.id, exceptId));
  const [taken] = await db.select({ id: identities.id }).from(identities).where(where).limit(1);
  if (taken) throw conflict(`userName \`${login}\` is taken`);
}

function nextStatus(current: string | undefined, active: boolean | undefined): UserStatus {
  if (active === true) return 'ACTIVE';
  if (active === false) return current === undefined || current === 'ACTIVE' ? 'SUSPENDED' : (current as UserStatus);
  return (current ?? 'ACTIVE') as UserStatus;
}

export interface SaveUser {
  id: string;
  before: UserView | undefined;
  write: UserWrite;
  /** The source that owns a created user (kept on update). */
  owner: string;
}

/**
 * Creates or replaces a user and plans it, in one batch. A `password` in the write is checked
 * against the user's policy (every violation, 400 `invalidValue`, nothing written), stored only as
 * a hash and synced to the apps that take passwords, in the same batch; the password the user
 * already has is no change. Returns the stored identity.
 */
export async function saveUser(db: Db, input: SaveUser, ctx: WriteContext, newId: () => string, passwords: PasswordDeps): Promise<Identity> {
  const { before, write } = input;
  const current = before?.identity;
  await checkLoginFree(db, write.login, current?.id);
  const sourced = current ? storedSources(current) : emptyProfile();
  const merged = mergeProfile(sourced, SCIM_SOURCE, write.attributes, DEFAULT_ATTRIBUTE_SOURCES, 'full');
  // Only what the merge changed moves: profile keys no source tracks (admin edits) stay.
  const profile: Record<string, unknown> = { ...(current?.profile ?? {}) };
  for (const change of merged.changes) {
    if (change.type === 'set') profile[change.attribute] = change.value;
    else if (change.type === 'cleared') delete profile[change.attribute];
  }
  const status = nextStatus(current?.status, write.active);
  const email = typeof profile.email === 'string' ? profile.email : null;
  let next: Identity = current
    ? { ...current, login: write.login, email, status, profile, sources: merged.profile.values, version: current.version + 1, updatedAt: ctx.at }
    : { ...newIdentityRow({ id: input.id, login: write.login, email, status, profile, sources: merged.profile.values }, ctx.at) };
  const password = await passwordChange(db, passwords, next, write.password, ctx, newId);
  if (password) next = { ...next, ...password.columns };
  const planned = await planWrite(db, [next], ctx, newId);
  const scimRow: ScimRow = { resourceType: 'User', id: next.id, source: before?.scim?.source ?? input.owner, externalId: write.externalId, createdAt: before?.scim?.createdAt ?? ctx.at, updatedAt: ctx.at };
  const event = {
    ...ctx,
    type: current ? 'identity.update' : 'identity.create',
    subject: next.id,
    data: { via: 'scim', source: scimRow.source, login: next.login, status: next.status, changes: merged.changes.map((c) => c.summary), ...(planned.runId ? { runId: planned.runId } : {}) } as JsonObject,
  };
  const statements = (): Statement[] => [
    current
      ? db
          .update(identities)
          .set({ login: next.login, email, status, profile, sources: next.sources, ...password?.columns, updatedAt: ctx.at, version: sql`CASE WHEN ${identities.version} = ${current.version} THEN ${next.version} ELSE NULL END` })
          .where(eq(identities.id, current.id))
      : db.insert(identities).values(next),
    db.insert(scimResources).values(scimRow).onConflictDoUpdate({ target: [scimResources.resourceType, scimResources.id], set: { externalId: scimRow.externalId, updatedAt: ctx.at } }),
    ...planned.statements,
    ...(password?.statements() ?? []),
  ];
  try {
    await writeWithAudit(db, [event, ...planned.events, ...(password?.events ?? [])], statements);
  } catch (error) {
    if (isConstraintError(error, 'identities.version')) throw preconditionFailed(`user \`${next.id}\` changed meanwhile; read it again`);
    if (isConstraintError(error, 'identities.login')) throw conflict(`userName \`${write.login}\` is taken`);
    if (isConstraintError(error, 'identities.id')) throw conflict(`user \`${next.id}\` exists`);
    throw error;
  }
  return next;
}

/**
 * What setting `password` writes: the identity's password columns, and a run of sealed
 * `password.set` actions with its audit events. Undefined when no password is sent or it is the
 * one the user has (IdPs resend it).
 */
async function passwordChange(db: Db, deps: PasswordDeps, identity: Identity, password: string | undefined, ctx: WriteContext, newId: () => string) {
  if (password === undefined) return undefined;
  if (identity.passwordHash !== null && (await deps.verifyPassword(password, identity.passwordHash))) return undefined;
  const ruleSet = await loadRuleSet(db);
  const checked = await preparePassword(deps, ruleSet, identity, { password, mode: 'reset' }, ctx.at);
  if (!checked.ok) throw badRequest('invalidValue', `\`password\` is not accepted by policy \`${checked.policy ?? 'default'}\`: ${checked.violations.map((v) => `password ${v.message}`).join('; ')}`);
  const { policy, columns, actions } = checked.password;
  const run = passwordRun(newId, ruleSet, identity.id, 'reset', actions, ctx.at);
  const events: AuditEvent[] = [{ ...ctx, type: 'identity.password.reset', subject: identity.id, data: { via: 'scim', policy, synced: actions.map((a) => a.appId ?? '') } }];
  if (run) events.push(runEvent(run, actions, ctx));
  return { columns, events, statements: (): Statement[] => (run ? runStatements(db, run, actions, ctx.at) : []) };
}

/** Deletes a user: its accounts are planned as deprovisioned, then the identity goes (its memberships and SCIM row with it). */
export async function deleteUser(db: Db, view: UserView, ctx: WriteContext, newId: () => string): Promise<void> {
  const gone: Identity = { ...view.identity, status: 'DEPROVISIONED' };
  const planned = await planWrite(db, [gone], ctx, newId);
  const id = view.identity.id;
  const event = { ...ctx, type: 'identity.delete', subject: id, data: { via: 'scim', login: view.identity.login, ...(planned.runId ? { runId: planned.runId } : {}) } as JsonObject };
  await writeWithAudit(db, [event, ...planned.events], () => [
    ...planned.statements,
    // Its memberships, SCIM row and binding go with it (the identity delete triggers).
    db.delete(identities).where(eq(identities.id, id)),
  ]);
}

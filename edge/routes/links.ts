// Read-only views the admin UI's panels need: a user's accounts (links with status and the
// account as last observed) and groups; an app's accounts and its imports with their
// correlation results; and the matches from app imports that wait for an admin (confirming one
// is `POST /v1/connectors/import-items/{id}/confirm`). Mounted beside the users, apps and
// connectors modules; GETs, so `read` tokens may call them too.
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { getApp, getIdentity, listAccounts } from '../db/repos/index.ts';
import type { AppAccount } from '../db/repos/index.ts';
import { ACCOUNT_STATUSES, IMPORT_SITUATIONS, appAccounts, appImportItems, groups, identities, importRuns, memberships } from '../db/schema.ts';
import { notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, JsonValue, PageQuery, errorResponses, json, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { ruleApps, ruleGroups } from '../services/defined.ts';

const security = [{ bearer: [] }];
const items = <T extends z.ZodType>(item: T, name: string) => z.object({ items: z.array(item) }).openapi(name);

export const AccountSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    appId: z.string(),
    externalId: z.string().nullable().openapi({ description: 'the app\'s id for the account' }),
    status: z.enum(ACCOUNT_STATUSES),
    role: z.string().nullable(),
    attributes: z.record(z.string(), JsonValue).openapi({ description: 'the account as last observed in the app' }),
    observedAt: z.string().nullable().openapi({ description: 'when Roster last saw the account (delivery or import)' }),
    deactivatedAt: z.string().nullable(),
  })
  .openapi('Account');

const UserGroupSchema = z.object({ groupId: z.string(), name: z.string().nullable(), source: z.string().openapi({ description: 'who set the membership: `rules`, an app, a directory' }) }).openapi('UserGroup');

const SITUATION_COUNTS = z.object(Object.fromEntries(IMPORT_SITUATIONS.map((s) => [s, z.number().int()])) as Record<(typeof IMPORT_SITUATIONS)[number], z.ZodNumber>);
const AppImportSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    total: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    errors: z.array(z.object({ line: z.number().optional(), message: z.string() })),
    situations: SITUATION_COUNTS.openapi({ description: 'accounts read, by correlation outcome' }),
    pending: z.number().int().openapi({ description: 'matches waiting for an admin' }),
  })
  .openapi('AppImport');

const CandidateSchema = z.object({ id: z.string(), login: z.string().nullable(), email: z.string().nullable(), name: z.string().nullable(), status: z.string().nullable() }).openapi('MatchCandidate');
const PendingMatchSchema = z
  .object({
    id: z.string().openapi({ description: 'confirm with `POST /v1/connectors/import-items/{id}/confirm`' }),
    importId: z.string(),
    appId: z.string(),
    externalId: z.string(),
    situation: z.enum(IMPORT_SITUATIONS),
    matchedBy: z.string().nullable(),
    account: z.record(z.string(), JsonValue),
    candidates: z.array(CandidateSchema).openapi({ description: 'the identities the matching rules found, in id order (unknown ids: nulls)' }),
  })
  .openapi('PendingMatch');

const routes = {
  userAccounts: createRoute({ method: 'get', path: '/{id}/accounts', tags: ['users'], security, summary: 'the user\'s accounts in apps, with status and the account as last observed', request: { params: IdParam }, responses: { 200: json(items(AccountSchema, 'AccountList')), ...errorResponses(404) } }),
  userGroups: createRoute({ method: 'get', path: '/{id}/groups', tags: ['users'], security, summary: 'the user\'s group memberships and who set them', request: { params: IdParam }, responses: { 200: json(items(UserGroupSchema, 'UserGroupList')), ...errorResponses(404) } }),
  appAccounts: createRoute({
    method: 'get', path: '/{id}/accounts', tags: ['apps'], security, summary: 'the app\'s accounts, by id',
    request: { params: IdParam, query: PageQuery.extend({ status: z.enum(ACCOUNT_STATUSES).optional() }) },
    responses: { 200: json(pageOf(AccountSchema, 'AccountPage')), ...errorResponses(400, 404) },
  }),
  appImports: createRoute({ method: 'get', path: '/{id}/imports', tags: ['apps'], security, summary: 'the app\'s latest imports (newest first, up to 10) with counts by correlation outcome', request: { params: IdParam }, responses: { 200: json(items(AppImportSchema, 'AppImportList')), ...errorResponses(404) } }),
  pending: createRoute({
    method: 'get', path: '/import-items', tags: ['connectors'], security, summary: 'matches from app imports that wait for an admin (disputed, and single matches to confirm)',
    request: { query: z.object({ appId: z.string().optional(), situation: z.enum(IMPORT_SITUATIONS).optional() }) },
    responses: { 200: json(items(PendingMatchSchema, 'PendingMatchList')), ...errorResponses(400) },
  }),
};

const accountBody = (a: AppAccount) => ({ id: a.id, userId: a.userId, appId: a.appId, externalId: a.externalId, status: a.status, role: a.role, attributes: a.attributes, observedAt: a.observedAt, deactivatedAt: a.deactivatedAt });

/** `/v1/users/{id}/accounts` and `/v1/users/{id}/groups`. */
export function userLinkRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  const known = async (id: string) => {
    if (!(await getIdentity(db, id))) throw notFound(`no user \`${id}\``);
  };
  app.openapi(routes.userAccounts, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    const rows = await db.select().from(appAccounts).where(eq(appAccounts.userId, id)).orderBy(asc(appAccounts.appId));
    return c.json({ items: rows.map(accountBody) }, 200);
  });
  app.openapi(routes.userGroups, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    const rows = await db.select({ groupId: memberships.groupId, source: memberships.source, name: groups.name }).from(memberships).leftJoin(groups, eq(groups.id, memberships.groupId)).where(eq(memberships.userId, id)).orderBy(asc(memberships.groupId));
    // A rule's group is named in the active rule set, not in the groups table.
    const ruled = await ruleGroups(db);
    return c.json({ items: rows.map((r) => ({ groupId: r.groupId, name: r.name ?? ruled.get(r.groupId)?.name ?? null, source: r.source })) }, 200);
  });
  return app;
}

/** `/v1/apps/{id}/accounts` and `/v1/apps/{id}/imports`, of a stored app or one the active rule set defines. */
export function appLinkRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  const known = async (id: string) => {
    if (!(await getApp(db, id)) && !(await ruleApps(db)).has(id)) throw notFound(`no app \`${id}\``);
  };
  app.openapi(routes.appAccounts, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    const q = c.req.valid('query');
    const page = unwrap(await listAccounts(db, { appId: id, ...(q.limit !== undefined ? { limit: q.limit } : {}), ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), ...(q.status ? { status: q.status } : {}) }));
    return c.json({ items: page.items.map(accountBody), ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  app.openapi(routes.appImports, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    return c.json({ items: await appImports(db, id) }, 200);
  });
  return app;
}

async function appImports(db: Db, appId: string) {
  const runs = await db.select().from(importRuns).where(eq(importRuns.source, `app:${appId}`)).orderBy(desc(importRuns.startedAt), desc(importRuns.id)).limit(10);
  if (runs.length === 0) return [];
  const ids = runs.map((r) => r.id);
  const tallies = await db
    .select({ importId: appImportItems.importId, situation: appImportItems.situation, decision: appImportItems.decision, n: count() })
    .from(appImportItems)
    .where(inArray(appImportItems.importId, ids))
    .groupBy(appImportItems.importId, appImportItems.situation, appImportItems.decision);
  return runs.map((run) => {
    const situations = Object.fromEntries(IMPORT_SITUATIONS.map((s) => [s, 0])) as Record<(typeof IMPORT_SITUATIONS)[number], number>;
    let pending = 0;
    for (const t of tallies) {
      if (t.importId !== run.id) continue;
      situations[t.situation] += Number(t.n);
      if (t.decision === 'pending') pending += Number(t.n);
    }
    return { id: run.id, status: run.status, total: run.total, startedAt: run.startedAt, finishedAt: run.finishedAt, errors: run.errors, situations, pending };
  });
}

/** `/v1/connectors/import-items`: what waits for an admin, with each candidate named. */
export function matchRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  app.openapi(routes.pending, async (c) => {
    const { appId, situation } = c.req.valid('query');
    const where = [eq(appImportItems.decision, 'pending')];
    if (appId) where.push(eq(appImportItems.appId, appId));
    if (situation) where.push(eq(appImportItems.situation, situation));
    const rows = await db.select().from(appImportItems).where(and(...where)).orderBy(asc(appImportItems.appId), asc(appImportItems.id)).limit(500);
    const wanted = [...new Set(rows.flatMap((r) => r.candidates))];
    const people = wanted.length === 0 ? [] : await db.select({ id: identities.id, login: identities.login, email: identities.email, status: identities.status, profile: identities.profile }).from(identities).where(inArray(identities.id, wanted));
    const byId = new Map(people.map((p) => [p.id, p]));
    const candidate = (id: string) => {
      const p = byId.get(id);
      if (!p) return { id, login: null, email: null, name: null, status: null };
      const name = [p.profile.firstName, p.profile.lastName].filter((v) => typeof v === 'string' && v !== '').join(' ');
      return { id, login: p.login, email: p.email, name: name === '' ? null : name, status: p.status };
    };
    return c.json({ items: rows.map((r) => ({ id: r.id, importId: r.importId, appId: r.appId, externalId: r.externalId, situation: r.situation, matchedBy: r.matchedBy, account: r.account, candidates: r.candidates.map(candidate) })) }, 200);
  });
  return app;
}

// `/v1/connectors`: delivery as admins see it — each app's state (quarantine and why, config
// errors, outbox counts), dead letters with their last error (and a retry), imports from apps
// with the matches that wait for a decision, and drift findings with their repair.
import { createRoute, z } from '@hono/zod-openapi';
import { decideImportItem, importFromApp } from '../connectors/sync/import.ts';
import { checkDrift, listFindings, repairDrift } from '../connectors/sync/drift.ts';
import { getApp } from '../db/repos/apps.ts';
import { getImportRun } from '../db/repos/import-runs.ts';
import { appImportItems, IMPORT_DECISIONS, IMPORT_SITUATIONS } from '../db/schema.ts';
import { appDelivery, deadLetters, retryDeadLetter } from '../dispatch/status.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { and, asc, eq } from 'drizzle-orm';

const tags = ['connectors'];
const security = [{ bearer: [] }];
const Loose = (name: string) => z.object({}).passthrough().openapi(name);
const items = (name: string) => z.object({ items: z.array(Loose(name)) });
const AppQuery = z.object({ appId: z.string().optional() });
const Confirm = z.strictObject({ userId: z.string().min(1).optional().openapi({ description: 'one of the candidates; may be left out when there is one' }) });

const routes = {
  apps: createRoute({ method: 'get', path: '/apps', tags, security, summary: 'each app\'s delivery: quarantine and why, config errors, outbox counts', responses: { 200: json(items('AppDelivery')) } }),
  dead: createRoute({ method: 'get', path: '/dead-letters', tags, security, summary: 'dead-lettered actions with their last error', request: { query: AppQuery.extend({ limit: z.coerce.number().int().min(1).max(1000).optional() }) }, responses: { 200: json(items('DeadLetter')), ...errorResponses(400) } }),
  retry: createRoute({ method: 'post', path: '/dead-letters/{id}/retry', tags, security, summary: 'queue a dead letter again with a fresh count of tries', request: { params: IdParam }, responses: { 200: json(z.object({ id: z.string() })), ...errorResponses(404, 409) } }),
  import: createRoute({ method: 'post', path: '/apps/{id}/import', tags, security, summary: 'read every account of the app and correlate it with identities', request: { params: IdParam }, responses: { 200: json(Loose('AppImport')), ...errorResponses(404) } }),
  importItems: createRoute({
    method: 'get', path: '/imports/{id}/items', tags, security, summary: 'an import\'s accounts by situation',
    request: { params: IdParam, query: z.object({ situation: z.enum(IMPORT_SITUATIONS).optional(), decision: z.enum(IMPORT_DECISIONS).optional() }) },
    responses: { 200: json(items('AppImportItem')), ...errorResponses(400, 404) },
  }),
  confirm: createRoute({ method: 'post', path: '/import-items/{id}/confirm', tags, security, summary: 'link a pending match (disputed: choose the candidate)', request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: Confirm } } } }, responses: { 200: json(z.object({ userId: z.string().optional() })), ...errorResponses(400, 404, 409) } }),
  reject: createRoute({ method: 'post', path: '/import-items/{id}/reject', tags, security, summary: 'leave a pending match unlinked', request: { params: IdParam }, responses: { 200: json(z.object({})), ...errorResponses(404, 409) } }),
  drift: createRoute({ method: 'get', path: '/drift', tags, security, summary: 'the latest drift findings per app', request: { query: AppQuery }, responses: { 200: json(items('DriftFinding')), ...errorResponses(400) } }),
  check: createRoute({ method: 'post', path: '/apps/{id}/drift', tags, security, summary: 'compare the app with the desired state now', request: { params: IdParam }, responses: { 200: json(Loose('DriftCheck')), ...errorResponses(404) } }),
  repair: createRoute({ method: 'post', path: '/apps/{id}/drift/repair', tags, security, summary: 'plan the repair of the app\'s drift as a run (held when a safety threshold is crossed)', request: { params: IdParam }, responses: { 200: json(Loose('DriftRepair')), ...errorResponses(404) } }),
};

export function connectorRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  const known = async (id: string) => {
    if (!(await getApp(db, id))) throw notFound(`no app \`${id}\``);
  };
  app.openapi(routes.apps, async (c) => c.json({ items: await appDelivery(db) }, 200));
  app.openapi(routes.dead, async (c) => c.json({ items: await deadLetters(db, c.req.valid('query')) }, 200));
  app.openapi(routes.retry, async (c) => c.json(unwrap(await retryDeadLetter(db, c.req.valid('param').id, writeContext(runtime, c.get('auth')))), 200));
  app.openapi(routes.import, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    return c.json(await importFromApp(runtime, id), 200);
  });
  app.openapi(routes.importItems, async (c) => {
    const { situation, decision } = c.req.valid('query');
    const { id } = c.req.valid('param');
    if (!(await getImportRun(db, id))) throw notFound(`no import \`${id}\``);
    const where = [eq(appImportItems.importId, id)];
    if (situation) where.push(eq(appImportItems.situation, situation));
    if (decision) where.push(eq(appImportItems.decision, decision));
    return c.json({ items: await db.select().from(appImportItems).where(and(...where)).orderBy(asc(appImportItems.id)) }, 200);
  });
  const decide = async (id: string, decision: Parameters<typeof decideImportItem>[2], actor: string) => {
    const result = await decideImportItem(runtime, id, decision, actor);
    if (result.ok) return result.userId === undefined ? {} : { userId: result.userId };
    if (result.code === 'not_found') throw notFound(result.message);
    throw new ApiError(result.code === 'bad_user' ? 400 : 409, result.code, result.message);
  };
  app.openapi(routes.confirm, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as unknown;
    const parsed = Confirm.safeParse(body ?? {});
    if (!parsed.success) throw new ApiError(400, 'invalid_body', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const { actor } = writeContext(runtime, c.get('auth'));
    return c.json(await decide(c.req.valid('param').id, { confirm: true, ...(parsed.data.userId ? { userId: parsed.data.userId } : {}) }, actor), 200);
  });
  app.openapi(routes.reject, async (c) => c.json(await decide(c.req.valid('param').id, { confirm: false }, writeContext(runtime, c.get('auth')).actor), 200));
  app.openapi(routes.drift, async (c) => c.json({ items: await listFindings(runtime, c.req.valid('query').appId) }, 200));
  app.openapi(routes.check, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    const { repair: _repair, ...check } = await checkDrift(runtime, id);
    return c.json(check, 200);
  });
  app.openapi(routes.repair, async (c) => {
    const { id } = c.req.valid('param');
    await known(id);
    return c.json(await repairDrift(runtime, id), 200);
  });
  return app;
}

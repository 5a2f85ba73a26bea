// `/v1/apps`: target applications and their connector configuration. Secrets in the config
// are write-only and sealed at rest (connectors/secrets.ts): responses show `(redacted)`, and
// sending `(redacted)` back keeps the secret.
// An app of the active rule set (`kind: app`) is listed and read with the file that defines it and
// its attribute mappings; until its connection is registered (POST) it is `unconnected`, and the
// dispatcher leaves its actions waiting.
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../db/repos/index.ts';
import { createApp, decodeCursor, encodeCursor, getApp, listApps, saveApp } from '../db/repos/index.ts';
import { clampLimit } from '../db/repos/cursor.ts';
import { writeContext } from '../http/env.ts';
import { checkIfMatch, contentTag } from '../http/etag.ts';
import { ApiError, conflict, notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { AppCreateSchema, AppPatchSchema, AppSchema, CONNECTORS, IdParam, PageQuery, errorResponses, json, jsonBody, pageOf } from '../openapi/schemas.ts';
import { checkConfig, connectorDefinitions } from '../connectors/registry.ts';
import { keepRedacted, openSecrets, redactSecrets, sealSecrets } from '../connectors/secrets.ts';
import type { Runtime } from '../runtime.ts';
import type { DefinedApp } from '../services/defined.ts';
import { notConnected, ruleApps } from '../services/defined.ts';

/** A stored app as the API shows it, with what the active rule set says of it (`defined`). */
export const appBody = (a: App, defined?: DefinedApp) => ({
  id: a.id,
  name: a.name,
  connector: a.connector,
  config: redactSecrets(a.config),
  status: a.status,
  quarantinedUntil: a.quarantinedUntil,
  ...(defined ? { definedAt: defined.definedAt, mappings: defined.mappings } : {}),
});

/** An app the active rule set defines whose connection nobody has registered yet. */
const unconnectedBody = (d: DefinedApp) => ({ id: d.id, name: d.name, connector: d.connector, config: {}, status: 'unconnected', quarantinedUntil: null, definedAt: d.definedAt, mappings: d.mappings });

/**
 * A config its connector would refuse is refused here, naming each field, not found out at the
 * first delivery. `ldap` apps are served by the agent, which checks its own config.
 */
function checkAppConfig(connector: string, config: Record<string, unknown>, defined: DefinedApp | undefined): void {
  // The planner already chose the actions by the rule file's connector (a manual app's tasks).
  if (defined && defined.connector !== connector) throw new ApiError(400, 'connector_mismatch', `app \`${defined.id}\` is a \`${defined.connector}\` app in its rule file (${defined.definedAt}), not \`${connector}\``);
  const definition = connectorDefinitions.get(connector);
  if (!definition) return;
  const checked = checkConfig(definition.config, config);
  if (!checked.ok) throw new ApiError(400, 'invalid_config', `a \`${connector}\` app's config: ${checked.errors.join('; ')}`);
}

const tags = ['apps'];
const security = [{ bearer: [] }];
const create = createRoute({ method: 'post', path: '/', tags, security, summary: 'register an app', request: { body: jsonBody(AppCreateSchema) }, responses: { 201: json(AppSchema, 'created'), ...errorResponses(400, 409) } });
const read = createRoute({ method: 'get', path: '/{id}', tags, security, summary: 'read an app', request: { params: IdParam }, responses: { 200: json(AppSchema), ...errorResponses(404) } });
const patch = createRoute({ method: 'patch', path: '/{id}', tags, security, summary: 'change name, connector or config', request: { params: IdParam, body: jsonBody(AppPatchSchema) }, responses: { 200: json(AppSchema), ...errorResponses(400, 404, 412) } });
const list = createRoute({
  method: 'get', path: '/', tags, security, summary: 'list apps',
  request: { query: PageQuery.extend({ status: z.enum(['ok', 'quarantined', 'unconnected']).optional(), connector: z.enum(CONNECTORS).optional() }) },
  responses: { 200: json(pageOf(AppSchema, 'AppPage')), ...errorResponses(400) },
});

export function appRoutes(runtime: Runtime) {
  const router = newRouter();
  const { db } = runtime;
  router.openapi(create, async (c) => {
    const body = c.req.valid('json');
    if (await getApp(db, body.id)) throw conflict(`app \`${body.id}\` exists`);
    const defined = (await ruleApps(db)).get(body.id);
    checkAppConfig(body.connector, body.config ?? {}, defined);
    const config = await sealSecrets(runtime.sealKey, body.id, body.config ?? {});
    const row = unwrap(await createApp(db, { id: body.id, name: body.name, connector: body.connector, config }, writeContext(runtime, c.get('auth'))));
    const shown = appBody(row, defined);
    c.header('ETag', contentTag(shown));
    return c.json(shown, 201);
  });
  router.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const row = await getApp(db, id);
    const defined = (await ruleApps(db)).get(id);
    if (!row && !defined) throw notFound(`no app \`${id}\``);
    const shown = row ? appBody(row, defined) : unconnectedBody(defined as DefinedApp);
    c.header('ETag', contentTag(shown));
    return c.json(shown, 200);
  });
  router.openapi(patch, async (c) => {
    const { id } = c.req.valid('param');
    const current = await getApp(db, id);
    const defined = (await ruleApps(db)).get(id);
    if (!current) throw defined ? notConnected(defined) : notFound(`no app \`${id}\``);
    checkIfMatch(c.req.header('if-match'), contentTag(appBody(current, defined)));
    const body = c.req.valid('json');
    // Checked as the connector will see it: the stored secrets opened (one that no longer opens
    // stays sealed, and says so at delivery until it is sent again).
    const opened = await openSecrets(runtime.sealKey, id, current.config);
    const stored = opened.ok ? opened.config : current.config;
    const config = body.config ? keepRedacted(body.config, stored) : stored;
    // A rename alone leaves the config as it was; a new config or connector must fit.
    if (body.config || body.connector) checkAppConfig(body.connector ?? current.connector, config, defined);
    const sealed = await sealSecrets(runtime.sealKey, id, config);
    const row = await saveApp(db, { id, name: body.name ?? current.name, connector: body.connector ?? current.connector, config: sealed }, writeContext(runtime, c.get('auth')));
    const shown = appBody(row, defined);
    c.header('ETag', contentTag(shown));
    return c.json(shown, 200);
  });
  router.openapi(list, async (c) => {
    const q = c.req.valid('query');
    // Apps are few (tens): merge, filter and page in memory, by id.
    let after: string | undefined;
    if (q.cursor !== undefined && (after = decodeCursor(q.cursor)) === undefined) throw new ApiError(400, 'invalid_cursor', `cursor \`${q.cursor.slice(0, 40)}\` is not one we issued`);
    const limit = clampLimit(q.limit);
    const defined = await ruleApps(db);
    const stored = await listApps(db);
    const storedIds = new Set(stored.map((a) => a.id));
    const all = [...stored.map((a) => appBody(a, defined.get(a.id))), ...[...defined.values()].filter((d) => !storedIds.has(d.id)).map(unconnectedBody)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rows = all.filter((a) => (after === undefined || a.id > after) && (!q.status || a.status === q.status) && (!q.connector || a.connector === q.connector));
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return c.json({ items, ...(rows.length > limit && last ? { next: encodeCursor(last.id) } : {}) }, 200);
  });
  return router;
}

// `/v1/agent`: the on-prem directory agent's API (scope `agent`). The agent long-polls for the
// actions of its directory app, reports each result, and (see delegated login) answers login
// checks. Actions are settled only by a result; one the agent never answers for is handed out
// again when its lease runs out.
import { createRoute, z } from '@hono/zod-openapi';
import { reclaimExpired, claimFor, reportResult, toWork } from '../agent/server/pull.ts';
import type { AgentResult } from '../agent/wire.ts';
import { getApp } from '../db/repos/apps.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, JsonValue, errorResponses, json, jsonBody } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { delegatedLogin } from '../agent/server/delegated.ts';
import type { PushedRead } from '../agent/server/import.ts';
import { importPushed } from '../agent/server/import.ts';
import { getCursor } from '../agent/server/cursor.ts';
import { answerLogin, takeLogins } from '../agent/server/logins.ts';
import { noConnection } from '../services/defined.ts';

const tags = ['agent'];
const security = [{ bearer: [] }];
// Bounded in depth: an entry nested thousands deep overflowed the stack storing it (a 500).
const jsonValue = JsonValue;
const status = z.enum(['active', 'suspended', 'deactivated']);

const ResultSchema = z
  .union([
    z.object({
      ok: z.literal(true),
      effect: z.enum(['applied', 'already']),
      account: z.union([z.object({ externalId: z.string().optional(), status, attributes: z.record(z.string(), jsonValue).optional() }), z.object({ removed: z.literal(true) })]).optional(),
      note: z.string().max(2000).optional(),
    }),
    z.object({ ok: z.literal(false), error: z.string().max(2000), retryable: z.boolean(), ldapCode: z.number().int().optional(), unreachable: z.boolean().optional() }),
  ])
  .openapi('AgentResult');
const AppQuery = z.object({ app: z.string().min(1).max(200) });

const pull = createRoute({
  method: 'get', path: '/actions', tags, security, summary: 'long poll: claim due actions of a directory app (and pending delegated logins)',
  request: {
    query: AppQuery.extend({
      wait: z.coerce.number().int().min(0).max(60).default(25),
      limit: z.coerce.number().int().min(1).max(100).default(20),
      lease: z.coerce.number().int().min(5).max(3600).default(300),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(z.record(z.string(), jsonValue)), logins: z.array(z.object({ id: z.string(), username: z.string(), password: z.string() })) })), ...errorResponses(400, 404, 409) },
});
const result = createRoute({
  method: 'post', path: '/actions/{id}/result', tags, security, summary: 'report the result of one action',
  request: { params: IdParam, query: AppQuery, body: jsonBody(ResultSchema) },
  responses: { 200: json(z.object({ id: z.string(), outcome: z.string() })), ...errorResponses(400, 404, 409) },
});
const login = createRoute({
  method: 'post', path: '/logins/{id}', tags, security, summary: 'answer a delegated login: did the bind succeed, and the entry when it did',
  request: { params: IdParam, query: AppQuery, body: jsonBody(z.object({ ok: z.boolean(), entry: z.record(z.string(), jsonValue).optional(), error: z.string().optional() })) },
  responses: { 200: json(z.object({ id: z.string() })), ...errorResponses(400, 404) },
});

const RemoteAccountSchema = z.object({ externalId: z.string().min(1), attributes: z.record(z.string(), jsonValue), active: z.boolean() });
const RemoteGroupSchema = z.object({ externalId: z.string().min(1), name: z.string(), groupId: z.string().optional(), members: z.array(z.string()) });
const mode = z.enum(['full', 'incremental']);
/** `modifyTimestamp` (GeneralizedTime) or `uSNChanged` (an integer). */
const CursorSchema = z.string().regex(/^[0-9A-Za-z.+-]{1,64}$/, 'must be a GeneralizedTime or an integer');
const imports = createRoute({
  method: 'post', path: '/imports', tags, security, summary: 'push a directory read (full or incremental) for correlation; a failed read is pushed as such',
  request: {
    query: AppQuery,
    body: jsonBody(
      z.union([
        z.object({ mode, ok: z.literal(true), accounts: z.array(RemoteAccountSchema), groups: z.array(RemoteGroupSchema).default([]), cursor: CursorSchema.optional() }),
        z.object({ mode, ok: z.literal(false), error: z.string().max(2000), cursor: CursorSchema.optional() }),
      ]),
    ),
  },
  responses: { 200: json(z.record(z.string(), jsonValue)), ...errorResponses(400, 404, 409, 413) },
});
const cursor = createRoute({
  method: 'get', path: '/imports/cursor', tags, security, summary: "where the directory's next incremental import starts (the cursor of its last healthy import)",
  request: { query: AppQuery },
  responses: { 200: json(z.object({ cursor: z.string().nullable(), importId: z.string().nullable(), updatedAt: z.string().nullable() })), ...errorResponses(400, 404, 409) },
});

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

export function agentRoutes(runtime: Runtime) {
  const app = newRouter();
  const directoryApp = async (id: string) => {
    const found = await getApp(runtime.db, id);
    if (!found) throw await noConnection(runtime.db, id);
    if (found.connector !== 'ldap') throw new ApiError(409, 'conflict', `app \`${id}\` uses connector \`${found.connector}\`, not \`ldap\``);
    return found;
  };

  app.openapi(pull, async (c) => {
    const { app: appId, wait, limit, lease } = c.req.valid('query');
    await directoryApp(appId);
    const ctx = () => writeContext(runtime, c.get('auth'));
    await reclaimExpired(runtime.db, appId, lease * 1000, ctx());
    const deadline = Date.now() + wait * 1000;
    const signal = c.req.raw.signal;
    for (;;) {
      const logins = await takeLogins(runtime.db, runtime.sealKey, appId, runtime.now());
      const claimed = await claimFor(runtime.db, appId, limit, runtime.now());
      if (claimed.length > 0 || logins.length > 0 || Date.now() >= deadline || signal.aborted) {
        const items = await Promise.all(claimed.map((row) => toWork(runtime.db, runtime.sealKey, row)));
        return c.json({ items: items as unknown as Record<string, unknown>[], logins }, 200);
      }
      await sleep(Math.min(200, deadline - Date.now()), signal);
    }
  });

  app.openapi(result, async (c) => {
    const target = await directoryApp(c.req.valid('query').app);
    const id = c.req.valid('param').id;
    const reported = await reportResult(runtime.db, target, id, c.req.valid('json') as AgentResult, writeContext(runtime, c.get('auth')));
    if (!reported.ok) throw reported.code === 'not_found' ? notFound(reported.message) : new ApiError(409, 'conflict', reported.message);
    return c.json({ id, outcome: reported.outcome }, 200);
  });

  app.openapi(imports, async (c) => {
    const target = await directoryApp(c.req.valid('query').app);
    const summary = await importPushed(runtime, target, c.req.valid('json') as PushedRead);
    return c.json(summary as unknown as Record<string, unknown>, 200);
  });

  app.openapi(cursor, async (c) => {
    const target = await directoryApp(c.req.valid('query').app);
    const stored = await getCursor(runtime.db, target.id);
    return c.json({ cursor: stored?.cursor ?? null, importId: stored?.importId ?? null, updatedAt: stored?.updatedAt ?? null }, 200);
  });

  app.openapi(login, async (c) => {
    const appId = c.req.valid('query').app;
    const id = c.req.valid('param').id;
    if (!(await answerLogin(runtime.db, appId, id, c.req.valid('json')))) throw notFound(`no pending login \`${id}\``);
    return c.json({ id }, 200);
  });
  return app;
}

const delegated = createRoute({
  method: 'post', path: '/delegated', tags: ['login'], security, summary: 'check a login with an LDAP bind through the directory agent; JIT-create the user on success',
  request: { body: jsonBody(z.object({ app: z.string().min(1), username: z.string().max(256), password: z.string().max(1024) })) },
  responses: { 200: json(z.object({ userId: z.string(), login: z.string(), created: z.boolean(), actions: z.number(), runId: z.string().optional() })), ...errorResponses(400, 401, 404, 409, 503) },
});

/** `/v1/login`: delegated authentication (the answer never says whether a user exists). */
export function delegatedLoginRoutes(runtime: Runtime, options: { timeoutMs?: number } = {}) {
  const app = newRouter();
  app.openapi(delegated, async (c) => {
    const body = c.req.valid('json');
    const target = await getApp(runtime.db, body.app);
    const unknown = `no directory app \`${body.app}\``;
    if (!target) throw await noConnection(runtime.db, body.app, unknown);
    if (target.connector !== 'ldap') throw notFound(unknown);
    const outcome = await delegatedLogin(runtime.db, body, { newId: runtime.newId, now: runtime.now, sealKey: runtime.sealKey, ...options }, writeContext(runtime, c.get('auth')));
    if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.message);
    return c.json(outcome.value, 200);
  });
  return app;
}

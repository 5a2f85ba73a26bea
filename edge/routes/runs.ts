// `/v1/runs`: start a reconcile run, list runs, read one with its actions, approve or reject a
// held one. `/v1/outbox` (mounted separately) lists actions by delivery status.
import { createRoute, z } from '@hono/zod-openapi';
import { ACTION_TYPES } from '../../engine/types.ts';
import type { Run } from '../db/repos/index.ts';
import { decideRun, getRun, listRuns } from '../db/repos/index.ts';
import { staleReasons } from '../db/repos/run-staleness.ts';
import { OUTBOX_STATUSES, RUN_KINDS, RUN_STATUSES } from '../db/schema.ts';
import { writeContext } from '../http/env.ts';
import { ApiError, notFound, unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { IdParam, PageQuery, errorResponses, json, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import { outboxBody, queryOutbox } from '../services/outbox-query.ts';
import { reconcile } from '../services/reconcile.ts';

const RunSchema = z
  .object({ id: z.string(), kind: z.string(), status: z.string(), ruleSetVersion: z.string().nullable(), asOf: z.string(), summary: z.record(z.string(), z.unknown()), heldReasons: z.array(z.string()), createdAt: z.string(), decidedAt: z.string().nullable(), decidedBy: z.string().nullable() })
  .openapi('Run');
const OutboxSchema = z.object({ id: z.string(), runId: z.string(), type: z.string(), status: z.string(), attempts: z.number() }).passthrough().openapi('OutboxAction');
const RunCreated = z.object({ run: RunSchema, queued: z.number().int() }).openapi('RunCreated');
const RunBody = z.strictObject({ asOf: z.iso.datetime({ offset: true }).optional() });

const tags = ['runs'];
const security = [{ bearer: [] }];
const start = createRoute({ method: 'post', path: '/', tags, security, summary: 'reconcile every user now', request: { body: { required: false, content: { 'application/json': { schema: RunBody } } } }, responses: { 201: json(RunCreated, 'the run, planned or held'), ...errorResponses(400, 409) } });
const list = createRoute({ method: 'get', path: '/', tags, security, summary: 'runs, newest first', request: { query: PageQuery.extend({ status: z.enum(RUN_STATUSES).optional(), kind: z.enum(RUN_KINDS).optional() }) }, responses: { 200: json(pageOf(RunSchema, 'RunPage')), ...errorResponses(400) } });
const read = createRoute({ method: 'get', path: '/{id}', tags, security, summary: 'a run with its actions (paged)', request: { params: IdParam, query: PageQuery }, responses: { 200: json(RunSchema.extend({ actions: z.array(OutboxSchema), next: z.string().optional(), stale: z.array(z.string()).optional().openapi({ description: 'a held run only: why it can no longer be approved (empty while it can)' }) })), ...errorResponses(400, 404) } });
const decide = (decision: 'approve' | 'reject') =>
  createRoute({ method: 'post', path: `/{id}/${decision}`, tags, security, summary: `${decision} a held run`, description: decision === 'approve' ? 'a 409 `stale` when the run no longer stands: the active rule set is not the one it was planned under, or its users changed or were planned again since; reject it and plan again' : 'always allowed while the run is held', request: { params: IdParam }, responses: { 200: json(RunSchema), ...errorResponses(404, 409) } });
const outboxList = createRoute({
  method: 'get', path: '/', tags: ['outbox'], security, summary: 'actions by delivery status',
  request: { query: PageQuery.extend({ status: z.enum(OUTBOX_STATUSES).optional(), runId: z.string().optional(), appId: z.string().optional(), userId: z.string().optional(), type: z.enum(ACTION_TYPES).optional() }) },
  responses: { 200: json(pageOf(OutboxSchema, 'OutboxPage')), ...errorResponses(400) },
});

const runBody = (r: Run) => ({ ...r });
/** A run as the answer to a change names it (`RunRefSchema`). */
export const runRef = (r: Run) => ({ id: r.id, status: r.status, ruleSetVersion: r.ruleSetVersion, heldReasons: r.heldReasons });
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export function runRoutes(runtime: Runtime) {
  const app = newRouter();
  const { db } = runtime;
  app.openapi(start, async (c) => {
    const body = (c.req.valid('json') as z.infer<typeof RunBody> | undefined) ?? {};
    const { run, queued } = await reconcile(runtime, body, writeContext(runtime, c.get('auth')));
    return c.json({ run: runBody(run), queued }, 201);
  });
  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const page = unwrap(await listRuns(db, { ...opt('limit', q.limit), ...opt('cursor', q.cursor), ...opt('status', q.status), ...opt('kind', q.kind) }));
    return c.json({ items: page.items.map(runBody), ...opt('next', page.nextCursor) }, 200);
  });
  app.openapi(read, async (c) => {
    const { id } = c.req.valid('param');
    const run = await getRun(db, id);
    if (!run) throw notFound(`no run \`${id}\``);
    const q = c.req.valid('query');
    const page = await queryOutbox(db, { runId: id, ...opt('limit', q.limit), ...opt('cursor', q.cursor) });
    const stale = run.status === 'held' ? await staleReasons(db, run) : undefined;
    return c.json({ ...runBody(run), actions: page.items.map(outboxBody), ...opt('next', page.nextCursor), ...opt('stale', stale) }, 200);
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.openapi(decide(decision), async (c) => {
      const decided = await decideRun(db, c.req.valid('param').id, decision, writeContext(runtime, c.get('auth')));
      if (!decided.ok && decided.code === 'stale') throw new ApiError(409, 'stale', decided.message);
      return c.json(runBody(unwrap(decided)), 200);
    });
  }
  return app;
}

export function outboxRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(outboxList, async (c) => {
    const q = c.req.valid('query');
    const page = await queryOutbox(runtime.db, { ...opt('status', q.status), ...opt('runId', q.runId), ...opt('appId', q.appId), ...opt('userId', q.userId), ...opt('type', q.type), ...opt('limit', q.limit), ...opt('cursor', q.cursor) });
    return c.json({ items: page.items.map(outboxBody), ...opt('next', page.nextCursor) }, 200);
  });
  return app;
}

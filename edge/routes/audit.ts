// `GET /v1/audit`: the hash-chained audit log, newest first, filtered and paged by sequence.
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { clampLimit, decodeCursor, encodeCursor } from '../db/repos/index.ts';
import { auditEvents } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { PageQuery, errorResponses, json, pageOf } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const AuditSchema = z.object({ seq: z.number().int(), at: z.string(), actor: z.string(), type: z.string(), subject: z.string().nullable(), data: z.record(z.string(), z.unknown()), prevHash: z.string(), hash: z.string() }).openapi('AuditEvent');
const Query = PageQuery.extend({
  type: z.string().optional().openapi({ description: 'exact type, or a prefix ending in `.` (e.g. `identity.`)' }),
  subject: z.string().optional(),
  actor: z.string().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const route = createRoute({ method: 'get', path: '/', tags: ['audit'], security: [{ bearer: [] }], summary: 'audit events, newest first', request: { query: Query }, responses: { 200: json(pageOf(AuditSchema, 'AuditPage')), ...errorResponses(400) } });

export function auditRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const limit = clampLimit(q.limit);
    const where: SQL[] = [];
    if (q.cursor !== undefined) {
      const seq = Number(decodeCursor(q.cursor));
      if (!Number.isInteger(seq)) throw new ApiError(400, 'invalid_cursor', `cursor \`${q.cursor.slice(0, 40)}\` is not one we issued`);
      where.push(lt(auditEvents.seq, seq));
    }
    if (q.type?.endsWith('.')) where.push(and(gte(auditEvents.type, q.type), lt(auditEvents.type, `${q.type}\uffff`)) as SQL);
    else if (q.type) where.push(eq(auditEvents.type, q.type));
    if (q.subject) where.push(eq(auditEvents.subject, q.subject));
    if (q.actor) where.push(eq(auditEvents.actor, q.actor));
    if (q.from) where.push(gte(auditEvents.at, new Date(Date.parse(q.from)).toISOString()));
    if (q.to) where.push(lt(auditEvents.at, new Date(Date.parse(q.to)).toISOString()));
    const rows = await runtime.db.select().from(auditEvents).where(and(...where)).orderBy(desc(auditEvents.seq)).limit(limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return c.json({ items, ...(rows.length > limit && last ? { next: encodeCursor(String(last.seq)) } : {}) }, 200);
  });
  return app;
}

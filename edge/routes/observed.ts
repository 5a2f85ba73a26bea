// `GET /v1/observed`: what the apps hold now, as the engine plans against it (its ObservedState
// input), a page of users at a time. The UI's simulator plans the whole population in the
// browser against it, so a simulation says what a reconcile would queue, not every desired grant.
import { createRoute, z } from '@hono/zod-openapi';
import { OBSERVED_PAGE_MAX, observedPage } from '../db/repos/index.ts';
import { appReadHealth } from '../connectors/sync/import.ts';
import { unwrap } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { errorResponses, json } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(OBSERVED_PAGE_MAX).optional().openapi({ description: `users per page (1–${OBSERVED_PAGE_MAX}, default 1000)` }),
  cursor: z.string().max(500).optional().openapi({ description: 'the `next` value of the previous page' }),
});

const ObservedAccount = z.object({
  userId: z.string(),
  appId: z.string(),
  status: z.enum(['active', 'suspended', 'deactivated']),
  role: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  deactivatedAt: z.string().optional(),
});
const ObservedAppGroup = z.object({
  appId: z.string(),
  groupId: z.string().optional(),
  externalId: z.string().optional(),
  name: z.string(),
  description: z.string().optional(),
  members: z.array(z.string()).openapi({ description: "this page's users among its members" }),
});
const ObservedPage = z
  .object({
    users: z.array(z.string()).openapi({ description: "this page's user ids: identities, and users with an account or a membership" }),
    accounts: z.array(ObservedAccount),
    memberships: z.array(z.object({ userId: z.string(), groupId: z.string() })),
    appGroups: z.array(ObservedAppGroup).openapi({ description: 'every pushed group as its app holds it, with the members on this page' }),
    health: z.record(z.string(), z.enum(['ok', 'empty', 'failed'])).openapi({ description: "how each app's last read went (an app not listed is `ok`); only `ok` apps lose accounts in a reconcile" }),
    next: z.string().optional().openapi({ description: 'cursor of the next page; absent on the last' }),
  })
  .openapi('ObservedPage');

const route = createRoute({
  method: 'get', path: '/', tags: ['runs'], security: [{ bearer: [] }], summary: 'what the apps hold now, as plans read it, a page of users at a time',
  request: { query: Query },
  responses: { 200: json(ObservedPage), ...errorResponses(400) },
});

export function observedRoutes(runtime: Runtime) {
  const app = newRouter();
  app.openapi(route, async (c) => {
    const page = unwrap(await observedPage(runtime.db, c.req.valid('query')));
    const { accounts, memberships, appGroups = [] } = page.state;
    const health = await appReadHealth(runtime.db);
    return c.json({ users: page.items, accounts, memberships, appGroups, health, ...(page.nextCursor ? { next: page.nextCursor } : {}) }, 200);
  });
  return app;
}

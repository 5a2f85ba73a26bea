// `/v1/reports/*`: JSON `{columns, items}` or CSV (`?format=csv` or `Accept: text/csv`).
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { csvResponse, wantsCsv } from '../http/csv.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { newRouter } from '../http/router.ts';
import { errorResponses } from '../openapi/schemas.ts';
import type { Runtime } from '../runtime.ts';
import type { Report } from '../services/reports.ts';
import { accountsPerApp, actionsPerDay, deprovisions, heldRuns, identitiesByStatus, orphanedAccounts, pendingManualTasks } from '../services/reports.ts';

const ReportSchema = z.object({ columns: z.array(z.string()), items: z.array(z.record(z.string(), z.unknown())) }).openapi('Report');
const Format = z.object({ format: z.enum(['json', 'csv']).optional() });
const Period = Format.extend({ from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'default 30 days before `to`' }), to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'default now' }) });
const responses = {
  200: { description: 'the report', content: { 'application/json': { schema: ReportSchema }, 'text/csv': { schema: z.string() } } },
  ...errorResponses(400),
};

const REPORTS: { path: string; summary: string; period?: boolean; build(runtime: Runtime, c: Context<AppEnv>): Promise<Report> }[] = [
  { path: '/identities-by-status', summary: 'identities per lifecycle status', build: (r) => identitiesByStatus(r.db) },
  { path: '/accounts-per-app', summary: 'accounts per app by status, with license counts', build: (r) => accountsPerApp(r.db) },
  { path: '/orphaned-accounts', summary: 'live accounts with no identity or no assignment', build: (r) => orphanedAccounts(r.db, r.now()) },
  { path: '/manual-tasks', summary: 'pending manual tasks', build: (r) => pendingManualTasks(r.db) },
  { path: '/deprovisions', summary: 'deprovisioning actions planned in a period', period: true, build: (r, c) => deprovisions(r.db, ...period(r, c)) },
  { path: '/actions-per-day', summary: 'actions planned per day (UTC) and type in a period', period: true, build: (r, c) => actionsPerDay(r.db, ...period(r, c)) },
  { path: '/held-runs', summary: 'runs waiting for approval', build: (r) => heldRuns(r.db) },
];

/** The request's [from, to): by default the 30 days before now. */
function period(runtime: Runtime, c: Context<AppEnv>): [from: string, to: string] {
  const to = normal(c.req.query('to')) ?? runtime.now();
  const from = normal(c.req.query('from')) ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
  if (from > to) throw new ApiError(400, 'invalid_query', `\`from\` (${from}) is after \`to\` (${to})`);
  return [from, to];
}

/** Stored times are UTC `Z` strings: compare like with like. */
function normal(iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : new Date(Date.parse(iso)).toISOString();
}

export function reportRoutes(runtime: Runtime) {
  const app = newRouter();
  for (const report of REPORTS) {
    const route = createRoute({ method: 'get', path: report.path, tags: ['reports'], security: [{ bearer: [] }], summary: report.summary, request: { query: report.period ? Period : Format }, responses });
    app.openapi(route, (async (c: Context<AppEnv>) => {
      const { columns, rows } = await report.build(runtime, c);
      if (wantsCsv(c)) return csvResponse(c, report.path.slice(1), columns, rows);
      return c.json({ columns, items: rows }, 200);
    }) as never);
  }
  return app;
}

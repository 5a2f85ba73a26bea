// SCIM under load: 100,000 users stored (bulk upsert through the storage repository), the Node
// server in-process on a free loopback port, and autocannon for a bounded time against
// (1) a filtered GET `/scim/v2/Users?filter=userName eq "…"` (a different user each request) and
// (2) POST /scim/v2/Users (a new user each request, planned and audited like any write).
// Prints requests/s and p99 for each, and the EXPLAIN QUERY PLAN of the filter's SQL to show it
// is an index lookup, not a scan. Never fails on a number.
// Run: npm run bench:scim [-- --users 100000 --seconds 10 --connections 10]
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { and, eq } from 'drizzle-orm';
import { createApp } from '../edge/app.ts';
import { createToken } from '../edge/auth/tokens.ts';
import { openLibsql } from '../edge/db/libsql.ts';
import { migrate } from '../edge/db/migrate.ts';
import { upsertIdentities } from '../edge/db/repos/identities-bulk.ts';
import { identities } from '../edge/db/schema.ts';
import { createRuntime } from '../edge/runtime.ts';
import { scimRoutes } from '../edge/routes/scim.ts';
import { parseFilter } from '../edge/scim/filter/parse.ts';
import { filterSql } from '../edge/scim/query/filter-sql.ts';
import { userTargets } from '../edge/scim/query/targets.ts';
import { autocannon } from './autocannon.ts';
import type { CannonResult } from './autocannon.ts';
import { r } from '../edge/scim/store/users.ts';

// autocannon publishes no types: the part of its API used here.

const { values } = parseArgs({ options: { users: { type: 'string', default: '100000' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } } });
const userCount = Number(values.users);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Support', 'Legal'];

const dir = mkdtempSync(join(tmpdir(), 'roster-bench-scim-'));
const db = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
const at = new Date().toISOString();
try {
  await migrate(db);
  let started = performance.now();
  const inputs = Array.from({ length: userCount }, (_, i) => ({
    id: `u${i}`,
    login: `user${i}`,
    email: `user${i}@acme.example`,
    profile: { firstName: `First${i}`, lastName: `Last${i % 997}`, email: `user${i}@acme.example`, department: DEPARTMENTS[i % DEPARTMENTS.length] as string, title: i % 10 === 0 ? 'Manager' : 'Engineer' },
  }));
  await upsertIdentities(db, inputs, { at, actor: 'bench' }, 'bench');
  const loadMs = performance.now() - started;

  const { token } = await createToken(db, { scope: 'scim', name: 'bench' }, { at, actor: 'bench' });
  const runtime = await createRuntime({ db, log: () => {} });
  const app = createApp(runtime, [{ path: '/scim/v2', routes: scimRoutes, bodyLimit: Number.MAX_SAFE_INTEGER }]);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };

  const sample = parseFilter('userName eq "user4242"');
  if (!sample.ok) throw new Error(sample.message);
  const query = db.select({ id: identities.id }).from(identities).leftJoin(r, and(eq(r.resourceType, 'User'), eq(r.id, identities.id))).where(filterSql(userTargets, sample.value)).toSQL();
  const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${query.sql}`, args: query.params as never });
  const check = await fetch(`${url}/scim/v2/Users?filter=${encodeURIComponent('userName eq "USER4242"')}`, { headers });
  const found = (await check.json()) as { totalResults: number };
  if (check.status !== 200 || found.totalResults !== 1) throw new Error(`filtered GET answered ${check.status} with ${found.totalResults} results`);

  let n = 0;
  const get = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', path: '/', headers, setupRequest: (req) => ({ ...req, path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${(n++ * 7919) % userCount}"`)}` }) }],
  });
  let m = 0;
  const post = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/scim/v2/Users',
        headers,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ schemas: [USER, ENTERPRISE], userName: `scim${m}`, name: { givenName: 'New', familyName: `Hire${m}` }, emails: [{ value: `scim${m++}@acme.example`, type: 'work', primary: true }], [ENTERPRISE]: { department: 'Engineering' } }) }),
      },
    ],
  });
  const [counts] = (await db.$client.execute('SELECT (SELECT count(*) FROM identities) AS users, (SELECT count(*) FROM audit_events) AS audit')).rows;

  console.log(`SCIM /scim/v2 over embedded libSQL (WAL): ${userCount} users stored (bulk upsert ${Math.round(loadMs)} ms, ${Math.round(userCount / (loadMs / 1000))} rows/s)`);
  console.log(`  ${connections} connections for ${seconds} s each, 127.0.0.1`);
  const line = (name: string, res: CannonResult) =>
    console.log(`  ${name.padEnd(36)} ${String(Math.round(res.requests.average)).padStart(6)} req/s   p50 ${res.latency.p50} ms   p99 ${res.latency.p99} ms   (${res.requests.total} requests, ${res.non2xx} non-2xx, ${res.errors} errors)`);
  line('GET /Users?filter=userName eq "…"', get);
  line('POST /Users', post);
  console.log(`  filter SQL plan: ${plan.rows.map((row) => String(row.detail)).join(' | ')}`);
  console.log(`  after: ${String(counts?.users)} users, ${String(counts?.audit)} audit events`);
  started = performance.now();
  await new Promise<void>((resolve) => server.close(() => resolve()));
} finally {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
}

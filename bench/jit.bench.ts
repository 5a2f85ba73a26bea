// JIT at login under load: the Node server in-process on a free loopback port, 100 synthetic
// assignment rules over 20 apps, a local JWKS server, pre-signed ID tokens for N users, and
// autocannon in a child process (apart from the server's event loop) for a bounded time.
// Two loads, side by side: as fast as the server answers (closed loop: the throughput it can
// take, where latency is mostly queueing), and logins arriving at a steady rate below that
// (open loop, as logins arrive in life: a request every 1000/rate ms, its latency counted from
// when it was due, bench/autocannon-worker.mjs). The p99
// target is read at the steady rate. Prints p50/p99, requests/s and the engine's share
// (evaluate + plan, measured inside the handler). Never fails on a number.
// Run: npm run bench:jit [-- --users 1000 --seconds 10 --connections 10 --rate 200 --warmup 2]
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../edge/app.ts';
import { createToken } from '../edge/auth/tokens.ts';
import { openLibsql } from '../edge/db/libsql.ts';
import { migrate } from '../edge/db/migrate.ts';
import { saveRuleSet } from '../edge/db/repos/rule-sets.ts';
import { jitCounters } from '../edge/jit/login.ts';
import { jitRoutes } from '../edge/routes/jit.ts';
import { createRuntime } from '../edge/runtime.ts';
import { startIssuer } from '../test/jit/jwks-server.ts';
import { loadApart } from './autocannon.ts';
import { syntheticRules, syntheticUsers } from './synthetic.ts';

// autocannon publishes no types: the part of its API used here.

const { values } = parseArgs({ options: { users: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, rate: { type: 'string', default: '200' }, warmup: { type: 'string', default: '2' } } });
const userCount = Number(values.users);
const dir = mkdtempSync(join(tmpdir(), 'roster-bench-jit-'));
const issuer = await startIssuer({ alg: 'ES256' });
const db = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
const at = new Date().toISOString();
try {
  await migrate(db);
  const claims = ['department', 'location', 'employeeType', 'title', 'level', 'costCenter', 'tags', 'startDate'];
  const settings = { kind: 'settings', jit: { issuers: [{ issuer: issuer.url, jwksUri: issuer.jwksUri, audience: 'roster', claims: Object.fromEntries(claims.map((c) => [c, c])) }] } };
  const files = [{ path: 'settings.json', text: JSON.stringify(settings) }, ...syntheticRules(100).files];
  await saveRuleSet(db, { version: 'bench', files, source: 'bench' }, { at, actor: 'bench' }, { activate: true });
  const { token } = await createToken(db, { scope: 'jit' }, { at, actor: 'bench' });
  const runtime = await createRuntime({ db, log: () => {} });
  const app = createApp(runtime, [{ path: '/v1/jit', routes: (rt) => jitRoutes(rt, []) }]);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bodies = await Promise.all(
    syntheticUsers(userCount, 11).map(async (u) => JSON.stringify({ id_token: await issuer.sign({ sub: u.id, preferred_username: u.login as string, email: `${u.login as string}@acme.example`, email_verified: true, ...Object.fromEntries(claims.map((c) => [c, u[c]])) }, { expiresIn: '1h' }) })),
  );
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  // First logins create the identities and queue their accounts; the load below is returning users.
  for (const body of bodies) {
    const res = await fetch(`${url}/v1/jit`, { method: 'POST', headers, body });
    if (res.status !== 200) throw new Error(`warm-up login failed: ${res.status} ${await res.text()}`);
  }
  const requests = bodies.map((body) => ({ method: 'POST', path: '/v1/jit', headers, body }));
  const connections = Number(values.connections);
  console.log(`JIT at login: ${userCount} users, 100 rules over 20 apps, ${connections} connections, ${values.seconds} s per load (127.0.0.1, embedded libSQL)`);
  console.log(`  ${'load'.padEnd(22)} ${'requests/s'.padStart(10)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  engine per login`);
  for (const rate of [undefined, Number(values.rate)]) {
    jitCounters.logins = 0;
    jitCounters.engineMs = 0;
    const result = await loadApart({ url, connections, duration: Number(values.seconds), requests, ...(rate ? { rate, warmup: Number(values.warmup) } : {}) });
    const engine = jitCounters.engineMs / Math.max(1, jitCounters.logins);
    const label = rate ? `steady ${rate} logins/s` : 'as fast as answered';
    const ms = (n: number): string => `${n} ms`.padStart(7);
    console.log(`  ${label.padEnd(22)} ${String(Math.round(result.requests.average)).padStart(10)} ${ms(result.latency.p50)} ${ms(result.latency.p99)} ${ms(result.latency.max)}  ${engine.toFixed(3)} ms (${((100 * engine) / (result.latency.average || 1)).toFixed(1)}% of mean latency)${result.non2xx + result.errors > 0 ? `  ${result.non2xx} non-2xx, ${result.errors} errors` : ''}`);
    if (rate && result.warmup) console.log(`  (the first ${result.warmup.seconds} s at that rate, ${result.warmup.requests} logins, were a warm-up, not counted: their p99 ${result.warmup.p99} ms)`);
    if (rate) console.log(`  target p99 < 10 ms at a steady rate: ${result.latency.p99 < 10 ? 'met' : 'MISSED'}; load average now ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${availableParallelism()} cores`);
  }
  console.log(`  JWKS fetched ${issuer.fetches()} time(s)`);
  const [audit] = await db.$client.execute('SELECT count(*) AS n, (SELECT count(*) FROM runs) AS runs FROM audit_events').then((r) => r.rows);
  console.log(`  writes          ${String(audit?.n)} audit events, ${String(audit?.runs)} runs in all`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
} finally {
  db.$client.close();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
}

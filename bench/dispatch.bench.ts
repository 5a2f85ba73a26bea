// Dispatch throughput: account creates delivered to a local SCIM server (scimmy in its own
// process) by the dispatcher over an embedded libSQL database, at concurrency 1 and 16. Each
// create is a lookup and a POST, settled with its audit event. Prints actions/s and the ratio.
// Run: npm run bench:dispatch [-- N]
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openLibsql } from '../edge/db/libsql.ts';
import { migrate } from '../edge/db/migrate.ts';
import { saveApp } from '../edge/db/repos/apps.ts';
import { outboxCounts } from '../edge/db/repos/outbox.ts';
import { createRun } from '../edge/db/repos/runs.ts';
import { createDispatcher } from '../edge/dispatch/dispatcher.ts';
import { createRuntime } from '../edge/runtime.ts';
import { createActions } from '../test/dispatch/harness.ts';

const N = Number(process.argv[2] ?? 400);
const ctx = { at: new Date().toISOString(), actor: 'bench' };

const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../test/connectors/peers/scim-server-main.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const baseUrl: string = await new Promise((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));

async function run(concurrency: number): Promise<number> {
  const db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  const appId = `bench-c${concurrency}`;
  await saveApp(db, { id: appId, name: appId, connector: 'scim', config: { baseUrl, auth: { type: 'bearer', token: 'scim-test-token' }, concurrency, timeoutMs: 30_000 } }, ctx);
  const created = await createRun(db, { id: `run-${appId}`, kind: 'reconcile', status: 'planned', asOf: ctx.at }, createActions(N, appId, `c${concurrency}`), ctx);
  if (!created.ok) throw new Error(created.message);
  const dispatcher = createDispatcher(await createRuntime({ db, log: () => {} }), { pollMs: 5 });
  const started = performance.now();
  void dispatcher.run();
  for (;;) {
    const counts = await outboxCounts(db);
    if ((counts.done ?? 0) + (counts.dead ?? 0) >= N) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.stop();
  const counts = await outboxCounts(db);
  if (counts.done !== N) console.log(`  warning: ${JSON.stringify(counts)}`);
  return N / seconds;
}

try {
  // Warm both sides (JIT, SCIMMY's schemas) before measuring.
  await run(4);
  const one = await run(1);
  const sixteen = await run(16);
  console.log(`dispatch to a local SCIM server, ${N} creates each (lookup + POST + settle):`);
  console.log(`  concurrency  1: ${one.toFixed(1)} actions/s`);
  console.log(`  concurrency 16: ${sixteen.toFixed(1)} actions/s  (${(sixteen / one).toFixed(2)}x)`);
} finally {
  child.kill('SIGTERM');
}

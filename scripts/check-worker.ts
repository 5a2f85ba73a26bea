// Checks the Worker as Cloudflare would run it, beyond what the workerd test pool shows (the
// pool turns on Node.js compatibility by itself, so it cannot catch a missing flag):
// 1. bundles it with `wrangler deploy --dry-run` (nothing uploaded) and fails on any import of a
//    Node-only module (wrangler itself only warns, and the Worker would throw at runtime);
// 2. starts that Worker with wrangler's own dev pipeline (workerd, local D1, wrangler.toml's
//    compatibility date and flags) and requires /health to reach D1, /v1 to demand a token and
//    /ui/ to serve the admin UI from its static assets.
// Run by `npm test` (`npm run check:worker`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unstable_startWorker } from 'wrangler';

const dir = mkdtempSync(join(tmpdir(), 'roster-worker-'));
const problems: string[] = [];
try {
  bundle(join(dir, 'bundle'));
  if (problems.length === 0) await start(join(dir, 'state'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (problems.length > 0) {
  for (const p of [...new Set(problems)]) console.error(`error: ${p}`);
  process.exit(1);
}
console.log('worker ok: bundles without Node-only imports and serves /health from D1 and the admin UI in workerd');
// wrangler may keep handles open after dispose (its config watcher); the check is done.
process.exit(0);

function bundle(outdir: string): void {
  const run = spawnSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout}\n${run.stderr}`;
  if (run.status !== 0) problems.push(`wrangler deploy --dry-run exited with ${run.status}:\n${output.trim()}`);
  for (const m of output.matchAll(/The package "([^"]+)" wasn't found on the file system but is built into node/g)) problems.push(`the Worker imports the Node-only module \`${m[1]}\``);
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(outdir, file), 'utf8');
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)) {
      const specifier = m[1] as string;
      if (builtins.has(specifier) || specifier.startsWith('node:')) problems.push(`${file} imports the Node-only module \`${specifier}\``);
    }
    console.log(`worker bundle ${file}: ${(statSync(join(outdir, file)).size / 1024).toFixed(0)} KiB`);
  }
}

async function start(persist: string): Promise<void> {
  const worker = await unstable_startWorker({
    config: 'wrangler.toml',
    // A throwaway key for this local run only; deployments use `wrangler secret put`.
    bindings: { ROSTER_SEAL_KEY: { type: 'secret_text', value: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))) } },
    dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, persist, logLevel: 'error' },
  });
  try {
    // A Worker that throws at startup leaves `ready` and requests pending: bound the wait.
    await withTimeout(worker.ready, 'start');
    const health = await withTimeout(worker.fetch('http://127.0.0.1/health'), 'GET /health');
    const body = await health.text();
    if (health.status !== 200 || !body.includes('"db":"ok"')) problems.push(`GET /health answered ${health.status}: ${body}`);
    const users = await withTimeout(worker.fetch('http://127.0.0.1/v1/users'), 'GET /v1/users');
    await users.arrayBuffer();
    if (users.status !== 401) problems.push(`GET /v1/users without a token answered ${users.status}, not 401`);
    const ui = await withTimeout(worker.fetch('http://127.0.0.1/ui/'), 'GET /ui/');
    const page = await ui.text();
    if (ui.status !== 200 || !page.includes('/ui/assets/')) problems.push(`GET /ui/ answered ${ui.status}, not the admin UI: ${page.slice(0, 200)}`);
  } catch (error) {
    problems.push(`the Worker did not start in workerd: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await withTimeout(worker.dispose(), 'stop').catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s (see the workerd errors above)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Bundles the Worker exactly as `wrangler deploy` would (`--dry-run`, nothing uploaded) and
// fails when it cannot, or when anything in it imports a Node-only module. wrangler itself only
// warns about `node:*` imports without `nodejs_compat`, and the Worker would then throw at
// runtime, so the warning and the bundle are both checked here. Run by `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const outdir = mkdtempSync(join(tmpdir(), 'roster-worker-'));
try {
  const run = spawnSync('node_modules/.bin/wrangler', ['deploy', '--dry-run', '--outdir', outdir], {
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout}\n${run.stderr}`;
  const problems: string[] = [];
  if (run.status !== 0) problems.push(`wrangler deploy --dry-run exited with ${run.status}:\n${output.trim()}`);
  for (const m of output.matchAll(/The package "([^"]+)" wasn't found on the file system but is built into node/g)) problems.push(`the Worker imports the Node-only module \`${m[1]}\``);
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(outdir, file), 'utf8');
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)) {
      if (builtins.has(m[1] as string) || (m[1] as string).startsWith('node:')) problems.push(`${file} imports the Node-only module \`${m[1]}\``);
    }
    console.log(`worker bundle ${file}: ${(statSync(join(outdir, file)).size / 1024).toFixed(0)} KiB`);
  }
  if (problems.length > 0) {
    for (const p of [...new Set(problems)]) console.error(`error: ${p}`);
    process.exit(1);
  }
  console.log('worker bundle ok: no Node-only imports');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

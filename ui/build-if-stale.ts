// Builds the admin UI (ui/dist) when it is missing or older than its sources or the engine it
// bundles. `npm start` runs this first, and the browser suites call `buildUiIfStale()`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const INPUTS = ['ui/src', 'ui/index.html', 'ui/vite.config.ts', 'engine'];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

export function uiIsStale(): boolean {
  const index = join(ROOT, 'ui/dist/index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return INPUTS.some((input) => existsSync(join(ROOT, input)) && newest(join(ROOT, input)) > built);
}

/** Returns true when it built; throws with vite's output when the build fails. */
export function buildUiIfStale(): boolean {
  if (!uiIsStale()) return false;
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const started = new Date();
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the admin UI did not build:\n${result.stdout}${result.stderr}`);
  // The build is as new as the sources it read when it started: one saved during the build is
  // newer, so the next check builds again instead of serving a build without it.
  utimesSync(join(ROOT, 'ui/dist/index.html'), started, started);
  return true;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  try {
    if (buildUiIfStale()) console.log('built the admin UI into ui/dist');
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

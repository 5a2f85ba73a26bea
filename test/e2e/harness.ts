// Shared setup for the browser suites: is Chromium here, is the UI built, a real server on a
// free loopback port over a temp database, and a fresh Chromium profile.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildUiIfStale } from '../../ui/build-if-stale.ts';
import { watchCsp } from './page-checks.ts';

export const ROOT = join(import.meta.dirname, '../..');
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Whether the browser suites can run. Without Chromium they are skipped with a notice, except
 * under CI=true, where a missing browser is a failure (CI installs it).
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: the CI must \`apt-get install -y chromium\``);
  console.warn(`skipping browser tests: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`);
  return false;
}

const BUILD_LOCK = join(tmpdir(), 'roster-ui-build.lock');
const BUILD_WAIT_MS = 180_000;

/**
 * Builds ui/dist when it is missing or older than the UI or engine sources. The browser suites
 * run in parallel: one builds while the others wait on a lock, then find the build fresh
 * (two vite builds into one ui/dist would empty it under each other).
 */
export function ensureUiBuilt(): void {
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`another run has been building the UI for ${BUILD_WAIT_MS / 1000} s (remove ${BUILD_LOCK} if none is)`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
  }
  try {
    buildUiIfStale();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

function tryLock(): boolean {
  try {
    mkdirSync(BUILD_LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A lock older than any build was left by a run that crashed while building.
    const age = Date.now() - (statSync(BUILD_LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BUILD_WAIT_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
    return false;
  }
}

export interface RunningServer {
  url: string;
  token: string;
  readToken: string;
  heldRunId: string;
  stop(): Promise<void>;
}

/** Starts test/e2e/server.ts (the Hono app on Node) over a temp libSQL file; `env` adds to its environment. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/e2e/server.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, ROSTER_E2E_DB: join(dir, 'roster.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 60 s:\n${stderr}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${stderr}`));
    });
  });
  const info = JSON.parse(first) as Omit<RunningServer, 'stop'>;
  return {
    ...info,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A fresh Chromium profile in a temp dir; closing it removes the profile. `cspViolations` fills
 * with every Content-Security-Policy violation on its pages (test/e2e/page-checks.ts).
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; cspViolations: string[]; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'roster-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  const cspViolations = await watchCsp(context);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Browser = Awaited<ReturnType<typeof launchBrowser>>;

/** Signs `page` in to the server at `url` with `token`, as a person would, and waits for the dashboard. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel('token').fill(token);
  await page.getByRole('button', { name: 'sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

/** A new page of `browser` signed in to `server` with its admin token; page errors go to `errors`. */
export async function adminPage(browser: Browser, server: RunningServer, errors: string[]): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, server.url, server.token);
  return page;
}

/**
 * Every browser suite's hooks: after each test, no Content-Security-Policy violation on its
 * pages or in the simulator's worker; at the end, the browser, server and peer it started closed.
 */
export function browserSuiteHooks(started: () => { browser?: Browser; server?: RunningServer; peer?: { close(): Promise<void> } }): void {
  afterEach(() => {
    const { browser } = started();
    if (browser) expect(browser.cspViolations.splice(0), 'Content-Security-Policy violations').toEqual([]);
  });
  afterAll(async () => {
    const { browser, server, peer } = started();
    await browser?.close();
    await server?.stop();
    await peer?.close();
  });
}

/**
 * A suite over its own server, signed in as its admin in one page, started before its tests and
 * closed after them; the page's errors go to `errors`.
 */
export function adminSuite(errors: string[]): { readonly server: RunningServer; readonly browser: Browser; readonly page: Page } {
  const started = {} as { server: RunningServer; browser: Browser; page: Page };
  beforeAll(async () => {
    ensureUiBuilt();
    started.server = await startServer();
    started.browser = await launchBrowser();
    started.page = await adminPage(started.browser, started.server, errors);
  }, 180_000);
  browserSuiteHooks(() => started);
  return started;
}

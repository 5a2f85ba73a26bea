// The admin UI as a Cloudflare Workers deployment serves it, in real Chromium: the Worker from
// wrangler.toml started by wrangler's own dev pipeline (workerd, a local D1, the UI from its
// static assets), given rules and the demo HR feed over its API, then signed in to, searched and
// simulated in — the simulator's Web Worker is a static asset too, under the same CSP — and its
// API page shown with Swagger UI from those assets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { unstable_startWorker } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRulesDir } from '../../edge/cli/load-rules.ts';
import { ROOT, browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, signIn } from './harness.ts';
import type { Browser } from './harness.ts';

const available = chromiumAvailable();
const randomBase64 = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

describe.skipIf(!available)('the admin UI served by the Worker, in Chromium', () => {
  const persist = mkdtempSync(join(tmpdir(), 'roster-workers-ui-'));
  const token = `rst_admin_${randomBase64().replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
  let worker: Awaited<ReturnType<typeof unstable_startWorker>> | undefined;
  let url: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const api = async (path: string, init: RequestInit & { body?: string } = {}) => {
    const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    const body = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${body}`);
    return JSON.parse(body);
  };

  beforeAll(async () => {
    ensureUiBuilt();
    worker = await unstable_startWorker({
      config: join(ROOT, 'wrangler.toml'),
      bindings: {
        ROSTER_SEAL_KEY: { type: 'secret_text', value: randomBase64() },
        ROSTER_BOOTSTRAP_TOKEN: { type: 'secret_text', value: token },
      },
      dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, persist, logLevel: 'error' },
    });
    await worker.ready;
    url = (await worker.url).origin;
    // A Worker has no rules/ and no demo feed: both arrive over the API, as the README says.
    await api('/v1/rule-sets', { method: 'POST', body: JSON.stringify({ files: loadRulesDir('rules', ROOT).rules, activate: true }) });
    const imported = await api('/v1/imports?fileName=workers.csv', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(join(ROOT, 'examples/hr/workers.csv'), 'utf8') });
    expect(imported.run.status).toBe('done');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
  }, 240_000);

  browserSuiteHooks(() => ({ browser, peer: { close: async () => worker?.dispose() } }));
  afterAll(() => rmSync(persist, { recursive: true, force: true }));

  it('signs in with the bootstrap token and finds an imported worker', async () => {
    await signIn(page, url, token);
    await page.goto(`${url}/ui/#/users`);
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByLabel('search (login, email or name)').fill('rosa');
    await expect.poll(() => page.getByRole('table', { name: 'users' }).textContent(), { timeout: 15_000 }).toContain('rosa.parks');
    expect(errors).toEqual([]);
  });

  it('loads the population from D1 and simulates it in the browser\'s worker', async () => {
    await page.goto(`${url}/ui/#/simulator`);
    await page.getByRole('button', { name: 'load population' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent(), { timeout: 30_000 }).toContain('500 users loaded from all users in Roster');
    await page.getByRole('button', { name: 'simulate', exact: true }).click();
    await page.locator('#sim-time').waitFor();
    expect(await page.locator('#sim-time').textContent()).toMatch(/actions for 500 users,\s+simulated in \d+ ms/);
    expect(errors).toEqual([]);
  });

  it('shows the API page with Swagger UI from the Worker\'s own assets, nothing from a CDN', async () => {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${url}/docs`);
    await page.getByRole('heading', { name: /Roster admin API/ }).waitFor({ timeout: 30_000 });
    expect(requested.filter((r) => !r.startsWith(url))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

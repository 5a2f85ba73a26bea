// When the server stops answering mid-task, in real Chromium against a real server: a session
// whose token is revoked goes back to sign-in from the HR import's upload as from any other
// call, and the simulator, reading the population page by page in its worker, says which
// request failed and never offers what it read before the failure as the whole population.
import type { Page, Route } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, signIn, startServer } from './harness.ts';
import type { Browser, RunningServer } from './harness.ts';

const available = chromiumAvailable();

describe.skipIf(!available)('losing the session or the server mid-task, in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  const errors: string[] = [];
  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const countUsers = async () => {
    let total = 0;
    let cursor: string | undefined;
    do {
      const { body } = await call(`/v1/users?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      total += (body.items as unknown[]).length;
      cursor = (body.next as string | null) ?? undefined;
    } while (cursor);
    return total;
  };

  /** A page signed in with an admin token of its own, and the way to revoke that token. */
  async function ownSession(name: string): Promise<{ page: Page; revoke(): Promise<void> }> {
    const made = await call('/v1/tokens', { method: 'POST', body: { scope: 'admin', name } });
    expect(made.status).toBe(201);
    // Pages of one profile share its cookie: the last test's session goes first.
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, server.url, made.body.token as string);
    return {
      page,
      revoke: async () => expect((await call(`/v1/tokens/${made.body.id as string}/revoke`, { method: 'POST' })).status).toBe(200),
    };
  }

  /**
   * Holds the worker's request for the second page of users until `during` has run, then lets it
   * go to the real server. Interception only times the failure (the token revoked, the server
   * stopped, between two pages of one read); the answer is the server's own.
   */
  async function betweenPages(page: Page, during: () => Promise<void>): Promise<void> {
    await page.route(/\/v1\/users\?.*cursor=/, async (route: Route) => {
      await during();
      await route.continue().catch(() => undefined);
    }, { times: 1 });
  }

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startServer();
    browser = await launchBrowser();
    // More workers than one page of `GET /v1/users` holds (500), so a read takes several pages.
    const rows = Array.from({ length: 1100 }, (_, i) => `w${String(i).padStart(5, '0')},Wen,Number${i},wen.${i}@acme.example`);
    const imported = await fetch(`${server.url}/v1/imports?plan=false&mode=incremental`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'text/csv' },
      body: `id,firstName,lastName,email\n${rows.join('\n')}\n`,
    });
    expect(imported.status).toBe(201);
  }, 180_000);

  browserSuiteHooks(() => ({ browser, server }));

  it('goes back to sign-in when the HR import is refused for a revoked token, and imports nothing', async () => {
    const { page, revoke } = await ownSession('hr clerk');
    await page.goto(`${server.url}/ui/#/import`);
    await page.getByLabel('worker file (CSV or JSON)').setInputFiles({ name: 'late.csv', mimeType: 'text/csv', buffer: Buffer.from('id,firstName,lastName,email\nn951,Lea,Moss,lea.moss@acme.example\n') });
    // Revoked only once the screen has read what it shows: a read still on its way would meet
    // the 401 first and sign out before the upload is tried (a slow machine did).
    await page.getByRole('button', { name: 'import', exact: true }).waitFor();
    await page.waitForLoadState('networkidle');
    await revoke();
    await page.getByRole('button', { name: 'import', exact: true }).click();
    // The sign-in screen, as any other call answered 401 gives, telling what did not happen.
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^you were signed out .*late\.csv was not imported/);
    // The keyboard is where the next step is.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    expect((await call('/v1/users/n951')).status).toBe(404);
    // Signed in again, the import screen is back, with nothing half-done on it.
    await page.getByLabel('token').fill(server.token);
    await page.getByRole('button', { name: 'sign in' }).click();
    await page.getByRole('heading', { name: 'HR import' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'import', exact: true }).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says the population could not be read when the token is revoked between two pages, and keeps no part of it', async () => {
    const { page, revoke } = await ownSession('simulating admin');
    await page.goto(`${server.url}/ui/#/simulator`);
    await betweenPages(page, revoke);
    await page.getByRole('button', { name: 'load population' }).click();
    // Signed out, as on any 401: the sign-in screen says what was being read when it happened.
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/^you were signed out .*could not read the population: GET \/v1\/users \(page 2\)/);
    await page.getByLabel('token').fill(server.token);
    await page.getByRole('button', { name: 'sign in' }).click();
    await page.getByRole('heading', { name: 'Simulator' }).waitFor();
    // Nothing of the first page is offered as the population: simulating reads it again, whole.
    expect(await page.getByRole('status').first().textContent()).toBe('');
    await page.getByRole('button', { name: 'simulate', exact: true }).click();
    await page.locator('#sim-time').waitFor();
    const users = await countUsers();
    expect(await page.locator('#sim-time').textContent()).toContain(`actions for ${users.toLocaleString('en')} users`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says which request failed when the server stops between two pages, and drops the population it had', async () => {
    const { page } = await ownSession('last admin standing');
    await page.goto(`${server.url}/ui/#/simulator`);
    await page.getByRole('button', { name: 'load population' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^[\d,]+ users loaded from all users in Roster/);
    await page.getByRole('button', { name: 'simulate', exact: true }).click();
    await page.locator('#sim-time').waitFor();
    // Loaded again, the read fails midway: the server stops.
    await betweenPages(page, () => server.stop());
    await page.getByRole('button', { name: 'load population' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'could not load the population' });
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/^could not load the population: GET \/v1\/users \(page 2\) failed: cannot reach the Roster server/);
    // No count of users, no result of the population before: nothing reads as complete.
    expect(await page.getByRole('status').first().textContent()).toBe('');
    expect(await page.locator('#sim-time').count()).toBe(0);
    await page.getByRole('button', { name: 'load population' }).waitFor();
    expect(await page.getByRole('button', { name: 'load population' }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});

// API tokens made and revoked from the admin UI, in real Chromium against a real server: a SCIM
// token is shown once, works against /scim/v2, and is refused once revoked; the last admin token
// cannot be revoked, and the page says so on its row; a read session is told, not shown a form.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, adminPage, browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, signIn, startServer } from './harness.ts';
import type { RunningServer } from './harness.ts';
import { overflowing, unlabelledControls } from './page-checks.ts';

const available = chromiumAvailable();

describe.skipIf(!available)('API tokens in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];
  const scimUsers = (token: string) => fetch(`${server.url}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  const row = (name: string) => page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });

  async function openTokens(): Promise<void> {
    await page.goto(`${server.url}/ui/#/tokens`);
    await page.reload();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
  }

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await adminPage(browser, server, errors);
  }, 120_000);

  browserSuiteHooks(() => ({ browser, server }));

  it('makes a SCIM token shown once, which works until it is revoked here', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await expect.poll(() => row('e2e admin').textContent()).toMatch(/e2e adminadmin.*active/);
    // The source id is asked for a SCIM token only.
    await page.getByLabel('scope').selectOption('read');
    expect(await page.getByLabel('source id').count()).toBe(0);
    await page.getByLabel('scope').selectOption('scim');
    await page.getByLabel('name').fill('okta push');
    await page.getByRole('button', { name: 'make token' }).click();

    const shown = page.getByLabel('the new token');
    await shown.waitFor();
    const token = await shown.inputValue();
    expect(token).toMatch(/^rst_scim_/);
    expect(await shown.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('main').textContent()).toContain('it will not be shown again');
    await expect.poll(() => row('okta push').textContent()).toMatch(/okta pushscim.*never.*active/);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await overflowing(page), 'at 800 px').toEqual([]);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'tokens.png'), fullPage: true });

    expect(await scimUsers(token)).toBe(200);
    // Leaving the screen forgets the token: coming back shows the list, not the token.
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'API tokens' }).click();
    await expect.poll(() => row('okta push').textContent()).toMatch(/okta pushscim.*active/);
    expect(await page.getByLabel('the new token').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(token);

    // Revoking asks first: declined, nothing happens; accepted, the token stops working.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await row('okta push').getByRole('button', { name: 'revoke okta push' }).click();
    expect(await scimUsers(token)).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await row('okta push').getByRole('button', { name: 'revoke okta push' }).click();
    await expect.poll(() => row('okta push').textContent()).toMatch(/revoked \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await row('okta push').getByRole('button').count()).toBe(0);
    expect(await scimUsers(token)).toBe(401);
    expect(errors).toEqual([]);
  });

  it('refuses to revoke the last admin token, in words on its row', async () => {
    await openTokens();
    page.once('dialog', (dialog) => void dialog.accept());
    await row('e2e admin').getByRole('button', { name: 'revoke e2e admin' }).click();
    await expect.poll(() => row('e2e admin').getByRole('alert').textContent()).toMatch(/^not revoked: `[^`]+` is the last active admin token: create another admin token first/);
    expect(await row('e2e admin').locator('.badge').textContent()).toBe('active');
    // Still signed in with it.
    expect(await scimUsers(server.token)).not.toBe(401);
    await openTokens();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows a token revoked elsewhere meanwhile as revoked, with the refusal on its row', async () => {
    const made = (await (await fetch(`${server.url}/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'read', name: 'dashboards' }) })).json()) as { id: string };
    await openTokens();
    await expect.poll(() => row('dashboards').textContent()).toMatch(/active/);
    // Another admin revokes it while this page still lists it as active.
    expect((await fetch(`${server.url}/v1/tokens/${made.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await row('dashboards').getByRole('button', { name: 'revoke dashboards' }).click();
    await expect.poll(() => row('dashboards').getByRole('alert').textContent()).toMatch(/^not revoked: .+/);
    expect(await row('dashboards').locator('.badge').textContent()).toMatch(/^revoked /);
    expect(await row('dashboards').getByRole('button').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('tells a read session the screen is for admins, with no form and no error', async () => {
    await page.getByRole('button', { name: 'sign out' }).click();
    // Signing out loads the page afresh: its sign-in form, before going anywhere else.
    await page.getByRole('heading', { name: 'Sign in to Roster' }).waitFor();
    await signIn(page, server.url, server.readToken);
    expect(await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'API tokens' }).count()).toBe(0);
    await openTokens();
    expect(await page.locator('main').textContent()).toContain('Only an admin session can see and manage API tokens');
    expect(await page.getByRole('button', { name: 'make token' }).count()).toBe(0);
    expect(await page.getByRole('table', { name: 'API tokens' }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

// The admin UI in real Chromium against a real server: sign in, edit a rule, see a diagnostic,
// fix it, simulate, read an explanation, compare versions, approve a held run, open a user's
// accounts and their why, confirm a disputed match from an app import, sign out.
// Screenshots of each main screen go to test-artifacts/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, ROOT, browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, startServer } from './harness.ts';
import type { RunningServer } from './harness.ts';
import { overflowing, unlabelledControls } from './page-checks.ts';

const available = chromiumAvailable();

describe.skipIf(!available)('admin UI in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`), fullPage: true });
  const api = async (path: string) => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } })).json();

  beforeAll(async () => {
    ensureUiBuilt();
    server = await startServer();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  }, 180_000);

  browserSuiteHooks(() => ({ browser, server }));

  it('refuses a wrong token in words, then signs in with a real one (HttpOnly cookie)', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('token').fill('rst_admin_not-a-real-token');
    await page.getByRole('button', { name: 'sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('could not sign in: you are signed out');
    await shot('sign-in');
    await page.getByLabel('token').fill(server.token);
    await page.getByRole('button', { name: 'sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === 'roster_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // The token itself is not kept by the page.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)).not.toContain('rst_');
    await page.waitForLoadState('networkidle');
    await shot('dashboard');
  });

  it('edits a rule: a typo shows a diagnostic inline, the builder fixes it, the YAML follows', async () => {
    await page.goto(`${server.url}/ui/#/rules`);
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    const source = page.getByLabel(/YAML source of/);
    const text = await source.inputValue();
    expect(text).toContain('operator: equal, value: Engineering');
    await source.fill(text.replace('operator: equal, value: Engineering', 'operator: equl, value: Engineering'));
    const problems = page.locator('#file-diagnostics');
    await expect.poll(() => problems.textContent()).toContain('unknown operator `equl`');
    // The same problem is shown on the builder's leaf, where it can be fixed.
    const leaf = page.getByRole('group', { name: 'condition 1' });
    await expect.poll(() => leaf.textContent()).toContain('unknown operator `equl`');
    await shot('rules-diagnostic');
    await leaf.getByLabel('operator').selectOption('equal');
    await expect.poll(() => source.inputValue()).toContain('operator: equal, value: Engineering');
    await expect.poll(() => problems.textContent()).toContain('no problems');
    // A real change, made in the builder: GitHub goes to Product instead of Engineering.
    await leaf.getByLabel('value').fill('Product');
    await leaf.getByLabel('value').press('Tab');
    await expect.poll(() => source.inputValue()).toContain('operator: equal, value: Product');
    await expect.poll(() => page.locator('.status').textContent()).toContain('rules are valid');
    await shot('rules');
  });

  it('simulates an uploaded population in the worker, compares with the saved version, explains an action', async () => {
    await page.goto(`${server.url}/ui/#/simulator`);
    // Every user in Roster, fetched page by page by the worker itself (the session cookie rides along).
    await page.getByRole('button', { name: 'load population' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('users loaded from all users in Roster');
    const fromApi = Number((await page.getByRole('status').first().textContent())?.match(/(\d+) users loaded/)?.[1]);
    expect(fromApi).toBe(readFileSync(join(ROOT, 'examples/users.csv'), 'utf8').trim().split('\n').length - 1);
    // …planned against what the apps hold now: the same plan the server makes for the same rules
    // (the working copy, GitHub for Product) as of the same instant, not every desired grant.
    expect(await page.getByRole('status').first().textContent()).toMatch(/planned against what the apps hold now \(\d+ accounts, \d+ group memberships\)/);
    await page.getByLabel('as of').fill('2026-03-02T09:00');
    await page.getByRole('button', { name: 'simulate', exact: true }).click();
    await page.locator('#sim-time').waitFor();
    const inBrowser = Number((await page.locator('#sim-time').textContent())?.match(/([\d,]+)\s+actions for/)?.[1]?.replace(/,/g, ''));
    const active = (await api('/v1/rule-sets')).items.find((v: { active: boolean }) => v.active).version;
    const files = ((await api(`/v1/rule-sets/${active}`)).files as { path: string; text: string }[]).map((f) =>
      f.path === 'assignments/engineering.yaml' ? { ...f, text: f.text.replace('operator: equal, value: Engineering', 'operator: equal, value: Product') } : f,
    );
    const asOf = await page.evaluate(() => new Date('2026-03-02T09:00').toISOString());
    const onServer = await fetch(`${server.url}/v1/simulate`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ruleSet: files, asOf }) });
    const planned = (await onServer.json()) as { actions: unknown[] };
    expect(planned.actions.length).toBeGreaterThan(0);
    expect(inBrowser).toBe(planned.actions.length);
    await page.getByLabel('pasted or uploaded CSV/JSON').check();
    await page.getByLabel('or choose a file').setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: readFileSync(join(ROOT, 'examples/users.csv')) });
    await page.getByRole('button', { name: 'load population' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/\d+ users loaded/);
    await page.getByRole('button', { name: 'simulate', exact: true }).click();
    await page.locator('#sim-time').waitFor();
    expect(await page.locator('#sim-time').textContent()).toMatch(/actions for \d+ users,\s+simulated in \d+ ms/);
    // The diff: GitHub accounts move from Engineering to Product.
    const summary = page.getByRole('table', { name: 'changes by app and action type' });
    await expect.poll(() => summary.textContent()).toContain('github');
    const changes = page.getByRole('table', { name: 'changes', exact: true });
    expect(await changes.textContent()).toContain('account.create');
    await shot('simulator');
    // Explain the first planned github action.
    await page.getByLabel('filter actions by app').selectOption('github');
    await page.getByLabel('filter actions by user or text').fill('eng-github');
    await expect.poll(() => page.getByRole('table', { name: 'planned actions' }).textContent()).toContain('rule `eng-github` assigns `github`');
    const firstExplain = page.getByRole('table', { name: 'planned actions' }).getByRole('button', { name: /^explain/ }).first();
    await firstExplain.click();
    const explanation = page.locator('#explanation');
    await explanation.waitFor();
    expect(await explanation.textContent()).toContain('rule `eng-github`');
    expect(await explanation.textContent()).toMatch(/department equal "Product" — saw "Product"/);
    await shot('simulator-explanation');
  });

  it('approves a held run, naming the threshold that held it', async () => {
    await page.goto(`${server.url}/ui/#/approvals`);
    const held = page.getByRole('article', { name: `held run ${server.heldRunId}` });
    await held.waitFor();
    expect(await held.textContent()).toContain('deactivations exceed the limit');
    await shot('approvals');
    // An impatient double click approves once: the second click finds the button waiting.
    const decisions: string[] = [];
    const count = (request: { url(): string }) => void (request.url().endsWith('/approve') && decisions.push(request.url()));
    page.on('request', count);
    await held.getByRole('button', { name: /^approve/ }).dblclick();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('approved');
    page.off('request', count);
    expect(decisions).toHaveLength(1);
    const run = (await api(`/v1/runs/${server.heldRunId}`)) as { status: string };
    expect(run.status).toBe('approved');
  });

  it('opens a user: accounts as last observed with the why, groups; confirms a disputed match from an app import', async () => {
    await page.goto(`${server.url}/ui/#/users/e1001`);
    const accounts = page.getByRole('table', { name: 'accounts in apps' });
    await accounts.waitFor();
    const github = accounts.getByRole('row').filter({ hasText: 'github' });
    await expect.poll(() => github.textContent()).toContain('rule eng-github assigns it as developer');
    expect(await github.textContent()).toContain('gh-1001');
    const payroll = accounts.getByRole('row').filter({ hasText: 'payroll-legacy' });
    expect(await payroll.textContent()).toContain('suspended');
    // Ada works in London: no rule gives her the US payroll, so its policy (keep) applies.
    expect(await payroll.textContent()).toContain('no active rule assigns it');
    await github.getByText('as the app showed it').click();
    expect(await github.textContent()).toContain('acme-ada-lovelace');
    await expect.poll(() => page.getByRole('table', { name: 'groups' }).textContent()).toContain('Engineering');
    // The entitlement's why: rule, conditions and the values seen.
    expect(await page.getByRole('table', { name: 'entitlements' }).textContent()).toMatch(/department equal "?Engineering"? — saw "?Engineering"?/);
    await shot('user');

    await page.goto(`${server.url}/ui/#/apps/payroll-legacy`);
    const imports = page.getByRole('table', { name: 'imports from this app' });
    await imports.waitFor();
    expect(await imports.textContent()).toMatch(/done\s*2/);
    await shot('app-import');

    await page.goto(`${server.url}/ui/#/approvals`);
    const matches = page.getByRole('table', { name: 'matches waiting for a decision' });
    await matches.waitFor();
    const row = matches.getByRole('row').filter({ hasText: 'PR-2024' });
    expect(await row.textContent()).toContain('disputed');
    expect(await row.textContent()).toContain('lastName = sn');
    // Confirming without a choice says what is missing, where it happened.
    await row.getByRole('button', { name: /^confirm/ }).click();
    await expect.poll(() => row.getByRole('alert').textContent()).toContain('choose the identity this account belongs to first');
    await row.getByLabel(/Isabella Rossi/).check();
    await shot('approvals-matches');
    // Two clicks before the page has drawn again (a quick double click) confirm once: one request, one line saying so.
    const confirms: string[] = [];
    const count = (request: { url(): string }) => void (request.url().endsWith('/confirm') && confirms.push(request.url()));
    page.on('request', count);
    await row.getByRole('button', { name: /^confirm/ }).evaluate((button: HTMLButtonElement) => {
      button.click();
      button.click();
    });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'PR-2024' }).textContent()).toContain('linked to e1029');
    await page.waitForLoadState('networkidle');
    page.off('request', count);
    expect(confirms).toHaveLength(1);
    expect(await page.getByRole('status').filter({ hasText: 'PR-2024' }).count()).toBe(1);
    await expect.poll(() => page.locator('main').textContent()).toContain('no match waits for a decision');
    const linked = (await api('/v1/users/e1029/accounts')) as { items: { appId: string; externalId: string }[] };
    expect(linked.items.map((a) => [a.appId, a.externalId])).toEqual([['payroll-legacy', 'PR-2024']]);
  });

  it("lists the rule set's apps, says how to connect an unconnected one, shows an app's mappings and pages its accounts", async () => {
    await page.goto(`${server.url}/ui/#/apps`);
    const table = page.getByRole('table', { name: 'apps' });
    await expect.poll(() => table.textContent()).toContain('Slack');
    expect(await table.getByRole('row').filter({ hasText: 'Slack' }).textContent()).toMatch(/unconnected.*apps\/slack\.yaml:1/);
    expect(await table.getByRole('row').filter({ hasText: 'GitHub Enterprise' }).textContent()).toMatch(/scim\s*ok\s*apps\/github\.yaml:1/);
    await page.goto(`${server.url}/ui/#/apps/slack`);
    await expect.poll(() => page.locator('main').textContent()).toContain('No connection is registered for this app');
    await page.goto(`${server.url}/ui/#/apps/github`);
    await expect.poll(() => page.locator('main').textContent()).toContain('on create only');
    expect(await page.locator('main').textContent()).toContain('user.email.lowerAscii()');
    await shot('app-mappings');
    // An app's accounts come a page at a time; more on request, never all at once.
    await page.goto(`${server.url}/ui/#/apps/jira`);
    const accounts = page.getByRole('table', { name: 'accounts in this app' });
    await accounts.waitFor();
    await expect.poll(() => accounts.locator('tbody tr').count()).toBe(100);
    expect(await page.locator('main').textContent()).toContain('100 shown, more to read');
    await page.getByRole('button', { name: 'show more accounts' }).click();
    await expect.poll(() => accounts.locator('tbody tr').count()).toBe(150);
    expect(await page.locator('main').textContent()).toContain('150 shown');
    expect(await page.getByRole('button', { name: 'show more accounts' }).count()).toBe(0);
    expect(await accounts.locator('tbody tr').last().textContent()).toContain('x0149');
  });

  it("lists groups with where each comes from, and opens one with its members", async () => {
    await page.goto(`${server.url}/ui/#/groups`);
    const table = page.getByRole('table', { name: 'groups' });
    await expect.poll(() => table.textContent()).toContain('All employees');
    expect(await table.getByRole('row').filter({ hasText: 'All employees' }).textContent()).toMatch(/employees\s*rule file groups\/workforce\.yaml:\d+/);
    await table.getByRole('link', { name: 'Engineering', exact: true }).click();
    const members = page.getByRole('table', { name: 'members of this group' });
    await members.waitFor();
    expect(await members.getByRole('row').filter({ hasText: 'e1001' }).textContent()).toMatch(/e1001\s*ada\.lovelace@acme\.example\s*active\s*rules/);
    expect(await page.locator('main').textContent()).toContain('change them in the rule file');
    expect(await page.locator('main').textContent()).toMatch(/rule file groups\/departments\.yaml:\d+/);
    await shot('group');
  });

  it('connects an unconnected app from its page: a config the connector refuses is named, a good one connects it', async () => {
    await page.goto(`${server.url}/ui/#/apps/aws`);
    const config = page.getByLabel(/connection config \(JSON\)/);
    await config.waitFor();
    expect(await config.inputValue()).toContain('"baseUrl"');
    await config.fill('{"baseUrl": "not a url", "auth": {"type": "bearer", "token": "t0k"}}');
    await page.getByRole('button', { name: 'connect' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('`baseUrl`');
    await config.fill('{"baseUrl": "https://aws.example/scim/v2", "auth": {"type": "bearer", "token": "t0k"}}');
    await page.getByRole('button', { name: 'connect' }).click();
    await expect.poll(() => page.locator('main h1').textContent()).toMatch(/AWS IAM Identity Center\s*ok/);
    expect(await page.getByLabel(/connection config \(JSON\)/).count()).toBe(0);
    const stored = (await api('/v1/apps/aws')) as { status: string; config: { auth: { token: string } } };
    expect(stored).toMatchObject({ status: 'ok', config: { auth: { token: '(redacted)' } } });
  });

  it("shows what waits to be done for a user, with each action's why", async () => {
    const waiting = (await api('/v1/outbox?status=pending&limit=1')) as { items: { userId: string; type: string; appId: string; action: { reason: { summary: string } } }[] };
    const action = waiting.items[0];
    expect(action).toBeDefined();
    await page.goto(`${server.url}/ui/#/users/${action?.userId}`);
    const table = page.getByRole('table', { name: 'actions waiting for this user' });
    await table.waitFor();
    const row = table.getByRole('row').filter({ hasText: action?.type as string });
    expect(await row.first().textContent()).toContain('pending');
    expect(await table.textContent()).toContain(action?.action.reason.summary);
  });

  it("shows the dashboard's counts from the server's reports, every action counted", async () => {
    const byStatus = (await api('/v1/reports/identities-by-status')) as { items: { status: string; count: number }[] };
    const perDay = (await api('/v1/reports/actions-per-day')) as { items: { day: string; type: string; count: number }[] };
    const days = new Map<string, number>();
    for (const r of perDay.items) days.set(r.day, (days.get(r.day) ?? 0) + r.count);
    expect(days.size).toBeGreaterThan(0);
    await page.goto(`${server.url}/ui/#/dashboard`);
    const active = byStatus.items.find((r) => r.status === 'ACTIVE')?.count ?? 0;
    expect(active).toBeGreaterThan(0);
    await expect.poll(() => page.locator('dl.stats').textContent()).toContain(`active${active}`);
    const chart = page.getByRole('table', { name: 'Actions per day by type' });
    for (const [day, total] of days) await expect.poll(() => chart.getByRole('row').filter({ hasText: day }).textContent()).toContain(`${day}${total}`);
  });

  it('shows every main screen with labelled controls, no raw errors and nothing wider than the window', async () => {
    for (const screen of ['dashboard', 'users', 'groups', 'apps', 'rules', 'simulator', 'approvals', 'audit', 'reports', 'import', 'tokens']) {
      // A laptop's window: the dashboard's hidden chart tables once made it scroll sideways here.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${server.url}/ui/#/${screen}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await unlabelledControls(page), screen).toEqual([]);
      expect(await page.locator('main').textContent(), screen).not.toMatch(/\bat .+\.(ts|js):\d+|TypeError|undefined is not/);
      // Nothing runs off the right edge (a long id or an event's data once pushed the audit log's columns out of sight).
      expect(await overflowing(page), screen).toEqual([]);
      // The header is one line at 1280 px: "sign out" once wrapped onto a line of its own.
      const signOut = await page.getByRole('button', { name: 'sign out' }).boundingBox();
      const firstLink = await page.getByRole('navigation', { name: 'main' }).getByRole('link').first().boundingBox();
      expect(Math.abs((signOut?.y ?? 0) + (signOut?.height ?? 0) / 2 - ((firstLink?.y ?? 0) + (firstLink?.height ?? 0) / 2)), `${screen}: header on one line`).toBeLessThan(8);
      // …nor on a narrow window, where a wide table scrolls in its own box.
      await page.setViewportSize({ width: 800, height: 900 });
      expect(await overflowing(page), `${screen} at 800 px`).toEqual([]);
      await page.setViewportSize({ width: 1400, height: 900 });
      await shot(screen);
    }
  });

  it('is usable from the keyboard: tab reaches the navigation and a link opens its screen', async () => {
    await page.goto(`${server.url}/ui/#/dashboard`);
    await page.locator('main h1').waitFor();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === 'Users') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
  });

  it('refuses code injected into a page: no inline script runs, and the refusal is seen', async () => {
    await page.goto(`${server.url}/ui/#/dashboard`);
    await page.locator('main h1').waitFor();
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 100));
      return (window as { injected?: boolean }).injected === true;
    });
    expect(ran).toBe(false);
    await expect.poll(() => browser.cspViolations.length).toBeGreaterThan(0);
    expect(browser.cspViolations.splice(0).join('\n')).toMatch(/script-src/);
  });

  it('shows the API page without the internet: Swagger UI from this server lists the operations', async () => {
    const docs = await browser.context.newPage();
    const elsewhere: string[] = [];
    await docs.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    await docs.goto(`${server.url}/docs`);
    await docs.locator('.opblock-summary-path', { hasText: '/v1/jit' }).first().waitFor({ timeout: 30_000 });
    expect(await docs.locator('.opblock').count()).toBeGreaterThan(50);
    await docs.getByRole('button', { name: /authorize/i }).first().waitFor();
    expect(elsewhere).toEqual([]);
    await docs.screenshot({ path: join(ARTIFACTS, 'ui-api-docs.png') });
    await docs.close();
  });

  it('saves edited rules, then applies them to everyone now: a reconcile run with the new version', async () => {
    await page.goto(`${server.url}/ui/#/rules`);
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    const source = page.getByLabel(/YAML source of/);
    await source.fill((await source.inputValue()).replace('operator: equal, value: Engineering', 'operator: equal, value: Product'));
    await expect.poll(() => page.locator('.status').textContent()).toContain('rules are valid');
    await page.getByRole('button', { name: 'save and activate' }).click();
    await expect.poll(() => page.locator('.status').textContent()).toContain('and made active');
    const active = (await api('/v1/rule-sets')).items.find((v: { active: boolean }) => v.active).version as string;
    expect(await page.locator('.status').textContent()).toContain(`saved as version ${active.slice(0, 12)}`);
    await page.getByRole('button', { name: 'apply to everyone now' }).click();
    const said = page.locator('.status [role="status"]').filter({ hasText: /^run / });
    await said.waitFor();
    const [run] = (await api('/v1/runs?kind=reconcile&limit=1')).items as { id: string; status: string; ruleSetVersion: string; summary: { queued?: number } }[];
    expect(run?.ruleSetVersion).toBe(active);
    expect(await said.textContent()).toContain(`run ${run!.id.slice(0, 8)}`);
    if (run!.status === 'held') expect(await said.textContent()).toContain('is held for approval');
    else expect(await said.textContent()).toContain(`${run!.summary.queued} action`);
    expect(await page.getByRole('button', { name: 'apply to everyone now' }).isDisabled()).toBe(true);
  });

  it('imports an HR file: a refused one lists every error by its line and is recorded; a good one says what it did', async () => {
    await page.goto(`${server.url}/ui/#/import`);
    const file = page.getByLabel('worker file (CSV or JSON)');
    await file.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('id,firstName,lastName,email,startDate\nn901,Ann,,ann@acme.example,2025-02-30\nn902,Bob,Lee,bob@acme.example,2025-03-01\n') });
    await page.getByRole('button', { name: 'import', exact: true }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('bad.csv was refused: 1 of 2 records has errors, so nothing was imported');
    const errors = page.locator('ul.error li');
    expect(await errors.allTextContents()).toEqual(['line 2: worker n901: missing `lastName`', 'line 2: worker n901: `startDate` must be a date YYYY-MM-DD, got `2025-02-30`']);
    await expect.poll(() => page.getByRole('table').first().textContent()).toContain('bad.csv');
    // Past imports are HR files: the legacy payroll's import from the app is on that app's page.
    expect(await page.getByRole('table').first().textContent()).not.toContain('app:payroll-legacy');
    expect((await api('/v1/users/n902')).error?.code).toBe('not_found');

    await file.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from('id,firstName,lastName,email\nn903,Cleo,Diaz,cleo.diaz@acme.example\n') });
    await page.getByRole('button', { name: 'import', exact: true }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/^imported 1 workers: 1 created, 0 updated, 0 unchanged, 0 skipped; \d+ actions planned/);
    expect((await api('/v1/users/n903')).login).toBe('cleo.diaz@acme.example');
    expect(await unlabelledControls(page)).toEqual([]);
    await shot('hr-import');
  });

  it('downloads a report as CSV, and names what is wrong with a period instead of asking the server', async () => {
    await page.goto(`${server.url}/ui/#/reports`);
    const table = page.getByRole('table', { name: 'Accounts per app (license counts)', exact: true }).and(page.locator('[aria-busy]'));
    await expect.poll(() => table.textContent()).toContain('github');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('accounts-per-app.csv');
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv).toContain('github');
    expect(csv).not.toContain('"error"');
    await page.locator('main select').selectOption('deprovisions');
    const to = page.locator('main input[type="date"]').nth(1);
    await page.waitForLoadState('networkidle');
    const reads: string[] = [];
    const count = (request: { url(): string }) => void (request.url().includes('/v1/reports/') && reads.push(request.url()));
    page.on('request', count);
    await to.fill('');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('choose both days of the period (from and to)');
    expect(await page.getByRole('link', { name: 'download CSV' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'download CSV' }).isDisabled()).toBe(true);
    await to.fill('2020-01-01');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^the period starts \(\d{4}-\d{2}-\d{2}\) after it ends \(2020-01-01\)$/);
    page.off('request', count);
    expect(reads).toEqual([]);
  });

  it('searches users when asked, not on every key, and the back button returns to the search', async () => {
    await page.goto(`${server.url}/ui/#/users`);
    const table = page.getByRole('table', { name: 'users' });
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(1);
    const reads: string[] = [];
    const count = (request: { url(): string }) => void (request.url().includes('/v1/users?') && reads.push(request.url()));
    page.on('request', count);
    await page.getByLabel('search (login, email or name)').pressSequentially('lovelace', { delay: 20 });
    await page.waitForLoadState('networkidle');
    expect(reads, 'typing alone reads nothing').toEqual([]);
    await page.getByLabel('search (login, email or name)').press('Enter');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);
    expect(reads).toHaveLength(1);
    page.off('request', count);
    await table.getByRole('link', { name: 'Ada Lovelace' }).click();
    await page.getByRole('group', { name: 'lifecycle' }).waitFor();
    await page.goBack();
    await expect.poll(() => table.textContent()).toContain('ada.lovelace@acme.example');
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await page.getByLabel('search (login, email or name)').inputValue()).toBe('lovelace');
    // Paging: a double click on "next page" while it is read steps one page, so "previous page" is the first again.
    await page.getByLabel('search (login, email or name)').fill('');
    await page.getByLabel('search (login, email or name)').press('Enter');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(50);
    const first = await table.locator('tbody tr').first().textContent();
    await page.route(/\/v1\/users\?.*cursor=/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.getByRole('button', { name: 'next page' }).dblclick();
    await expect.poll(() => table.locator('tbody tr').first().textContent()).not.toBe(first);
    await page.waitForLoadState('networkidle');
    await page.unroute(/\/v1\/users\?.*cursor=/);
    await page.getByRole('button', { name: 'previous page' }).click();
    await expect.poll(() => table.locator('tbody tr').first().textContent()).toBe(first);
    expect(await page.getByRole('button', { name: 'previous page' }).isDisabled()).toBe(true);
  });

  it("follows a lifecycle change on every list of the user's page: groups and what waits", async () => {
    type Listed = { items: { type: string; appId: string | null }[] };
    const pending = (await api('/v1/outbox?status=pending&limit=200')) as { items: { userId: string | null }[] };
    const userId = pending.items.map((a) => a.userId).find((u) => u && u !== 'e1001') as string;
    await page.goto(`${server.url}/ui/#/users/${userId}`);
    const waiting = page.getByRole('table', { name: 'actions waiting for this user' });
    await expect.poll(() => waiting.locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole('group', { name: 'lifecycle' }).getByRole('button', { name: 'deactivate' }).click();
    await expect.poll(() => page.getByRole('group', { name: 'lifecycle' }).getByRole('status').textContent()).toContain('deactivate: done');
    // What the server now says waits and which groups hold the user is what the page shows.
    const after = (await Promise.all(['pending', 'held'].map((status) => api(`/v1/outbox?userId=${userId}&status=${status}`)))) as Listed[];
    const rows = after.flatMap((l) => l.items).map((a) => `${a.type}${a.appId ?? 'Roster'}`);
    if (rows.length === 0) await expect.poll(() => page.locator('main').textContent()).toContain('nothing waits');
    else await expect.poll(async () => (await waiting.locator('tbody tr').allTextContents()).map((t) => t.replace(/(pending|held).*$/, '')).sort()).toEqual(rows.sort());
    const groups = (await api(`/v1/users/${userId}/groups`)) as { items: { groupId: string }[] };
    await expect.poll(() => page.getByRole('table', { name: 'groups' }).locator('tbody tr').count()).toBe(groups.items.length);
  });

  it('pages the audit log on: a double click on "load more" reads the next page once', async () => {
    // More events than a page holds: each token made is one.
    const { items } = (await api('/v1/audit?limit=200')) as { items: unknown[] };
    for (let i = items.length; i <= 110; i++) {
      const made = await fetch(`${server.url}/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'read', name: `audit filler ${i}` }) });
      expect(made.status).toBe(201);
    }
    await page.goto(`${server.url}/ui/#/audit`);
    const table = page.getByRole('table', { name: 'audit events' });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(100);
    // A next page that takes a moment to come, as on a busy server: the second click lands while it is read.
    const reads: string[] = [];
    await page.route(/\/v1\/audit\?.*cursor=/, async (route) => {
      reads.push(route.request().url());
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await page.getByRole('button', { name: 'load more' }).dblclick();
    await expect.poll(() => table.locator('tbody tr').count()).toBeGreaterThan(100);
    await page.waitForLoadState('networkidle');
    await page.unroute(/\/v1\/audit\?.*cursor=/);
    expect(reads).toHaveLength(1);
    const seqs = await table.locator('tbody tr td:first-child').allTextContents();
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('never overwrites a rule file with "new file", and discarding a new file opens another', async () => {
    await page.goto(`${server.url}/ui/#/rules`);
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    const source = page.getByLabel(/YAML source of/);
    const before = await source.inputValue();
    page.once('dialog', (dialog) => void dialog.accept('assignments/engineering.yaml'));
    await page.getByRole('button', { name: 'new file' }).click();
    await expect.poll(() => page.getByRole('navigation', { name: 'rule files' }).textContent()).toContain('`assignments/engineering.yaml` already exists: it is open, unchanged');
    expect(await source.inputValue()).toBe(before);
    expect(await page.locator('.status').textContent()).toContain('0 changed files');
    page.once('dialog', (dialog) => void dialog.accept('assignments/finance.yaml'));
    await page.getByRole('button', { name: 'new file' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /YAML source of/ }).textContent()).toContain('assignments/finance.yaml');
    await page.getByRole('button', { name: 'discard changes' }).click();
    await expect.poll(() => page.getByRole('button', { name: /assignments\/finance\.yaml/ }).count()).toBe(0);
    await expect.poll(() => page.getByRole('heading', { name: /YAML source of/ }).count()).toBe(1);
  });

  it('signs out: the cookie stops working, the sign-in form is back, and the next person sees nothing of the session', async () => {
    // Unsaved rule edits in this tab: signing out asks first, then forgets them.
    await page.goto(`${server.url}/ui/#/rules`);
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    const source = page.getByLabel(/YAML source of/);
    const saved = await source.inputValue();
    await source.fill(`${saved}# an unsaved note\n`);
    await expect.poll(() => page.locator('.status').textContent()).toContain('1 changed file');
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'sign out' }).click();
    await page.getByLabel('token').waitFor();
    expect(asked).toEqual(['sign out and discard your unsaved edits to 1 rule file?']);
    const status = await page.evaluate(async () => (await fetch('/v1/session')).status);
    expect(status).toBe(401);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // The next person, with a read token, lands on the dashboard and finds the saved rules.
    await page.getByLabel('token').fill(server.readToken);
    await page.getByRole('button', { name: 'sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    await expect.poll(() => page.getByLabel(/YAML source of/).inputValue()).toBe(saved);
  });
});

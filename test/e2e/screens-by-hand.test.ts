// Screens as an admin works them by hand, in real Chromium against a real server: the simulator
// from the keyboard (Enter runs it, closing an explanation returns to where it was opened), a
// report switched while the one before is still loading, a user's page at a laptop's width with
// everything opened, and a group that does not exist.
import { describe, expect, it } from 'vitest';
import { adminSuite, chromiumAvailable } from './harness.ts';
import { overflowing } from './page-checks.ts';

const available = chromiumAvailable();

describe.skipIf(!available)('screens worked by hand, in Chromium', () => {
  const errors: string[] = [];
  const suite = adminSuite(errors);
  const focused = () => suite.page.evaluate(() => {
    const el = document.activeElement;
    return `${el?.tagName.toLowerCase()}#${el?.id ?? ''}: ${el?.textContent?.trim().slice(0, 40) ?? ''}`;
  });

  it('runs the simulator from the keyboard, and closing an explanation returns to the button that opened it', async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/simulator`);
    await page.getByRole('button', { name: 'load population' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/users loaded/);
    // Enter in the "as of" field runs the simulation, as in any form.
    await page.getByLabel('as of').fill('2026-03-02T09:00');
    await page.getByLabel('as of').press('Enter');
    await page.locator('#sim-time').waitFor();
    const explain = page.getByRole('table', { name: 'planned actions' }).getByRole('button', { name: /^explain/ }).nth(2);
    const name = (await explain.textContent())?.trim();
    await explain.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toMatch(/^section#explanation/);
    await page.getByRole('button', { name: 'close explanation' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#explanation').count()).toBe(0);
    await expect.poll(focused).toBe(`button#: ${name}`);
    expect(errors).toEqual([]);
  });

  it('shows the report chosen last, even when the one before answers after it', async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/dashboard`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.waitForLoadState('networkidle');
    // The license counts answer late (held here until the next report has answered): only the
    // timing is arranged, the answer is the server's.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/v1\/reports\/accounts-per-app/, async (route) => {
      await held;
      await route.continue();
    }, { times: 1 });
    const late = page.waitForResponse(/\/v1\/reports\/accounts-per-app/);
    await page.goto(`${server.url}/ui/#/reports`);
    await page.locator('main select').selectOption('identities-by-status');
    const table = page.getByRole('table', { name: 'Identities by status' });
    await expect.poll(() => table.textContent()).toContain('ACTIVE');
    release();
    await late;
    await page.waitForLoadState('networkidle');
    expect(await table.textContent()).toContain('ACTIVE');
    expect(await table.textContent()).not.toContain('github');
    expect(errors).toEqual([]);
  });

  it("keeps a user's page inside a 1280 px window with every account detail opened", async () => {
    const { page, server } = suite;
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/ui/#/users/e1001`);
    const accounts = page.getByRole('table', { name: 'accounts in apps' });
    await expect.poll(() => accounts.textContent()).toContain('payroll-legacy');
    for (const summary of await accounts.locator('summary').all()) await summary.click();
    await page.waitForLoadState('networkidle');
    expect(await overflowing(page)).toEqual([]);
    await page.setViewportSize({ width: 800, height: 900 });
    expect(await overflowing(page), 'at 800 px').toEqual([]);
    await page.setViewportSize({ width: 1400, height: 900 });
    expect(errors).toEqual([]);
  });

  it('says once that a group does not exist, with no members list for it', async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/groups/no-such-group`);
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['could not load this group: no group `no-such-group`']);
    expect(await page.getByRole('heading', { name: 'Members' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says a held run or a match decided by someone else meanwhile was not decided here, and lists it no more', async () => {
    const { page, server } = suite;
    const call = (path: string) => fetch(`${server.url}${path}`, { method: path.endsWith('import-items') ? 'GET' : 'POST', headers: { authorization: `Bearer ${server.token}` } });
    await page.goto(`${server.url}/ui/#/approvals`);
    const held = page.getByRole('article', { name: `held run ${server.heldRunId}` });
    await held.waitFor();
    const matches = page.getByRole('table', { name: 'matches waiting for a decision' });
    await expect.poll(() => matches.textContent()).toContain('PR-2024');
    // Another admin, elsewhere, decides both while this page still shows them.
    expect((await call(`/v1/runs/${server.heldRunId}/reject`)).status).toBe(200);
    const [item] = ((await (await call('/v1/connectors/import-items')).json()) as { items: { id: string; externalId: string }[] }).items.filter((i) => i.externalId === 'PR-2024');
    expect((await call(`/v1/connectors/import-items/${item!.id}/reject`)).status).toBe(200);

    await held.getByRole('button', { name: /^approve/ }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([expect.stringMatching(new RegExp(`^run ${server.heldRunId} was not approved: run \`${server.heldRunId}\` .+`))]);
    expect(await held.count()).toBe(0);
    await page.getByRole('button', { name: /^leave unlinked account PR-2024/ }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContainEqual(expect.stringMatching(/^account PR-2024 in payroll-legacy was not left unlinked: .+/));
    expect(await matches.count()).toBe(0);
    expect((await page.locator('main').textContent()) ?? '').not.toContain('[object Object]');
    expect(errors).toEqual([]);
  });

  it("says a lifecycle change was refused because the user changed meanwhile, and shows the user's status now", async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/users/e1002`);
    const lifecycle = page.getByRole('group', { name: 'lifecycle' });
    await lifecycle.getByRole('button', { name: 'suspend' }).waitFor();
    expect(await page.locator('main h1 .badge').textContent()).toBe('active');
    // Another admin suspends the user while this page shows them active.
    expect((await fetch(`${server.url}/v1/users/e1002/lifecycle/suspend`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
    await lifecycle.getByRole('button', { name: 'suspend' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^could not change the status: cannot suspend a user who is `SUSPENDED`/);
    await expect.poll(() => page.locator('main h1 .badge').textContent()).toBe('suspended');
    await expect.poll(() => lifecycle.getByRole('button', { name: 'unsuspend' }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('keeps the keyboard in the content when a link opens a user from the list, and when it goes back', async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/users`);
    const link = page.getByRole('table', { name: 'users' }).getByRole('link', { name: 'Ada Lovelace' });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^Ada Lovelace/ }).waitFor();
    await expect.poll(focused).toMatch(/^main#main/);
    await page.getByRole('link', { name: '← all users' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await expect.poll(focused).toMatch(/^main#main/);
    // The next Tab goes on inside the screen, not back to the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('keeps the keyboard in the condition builder when a condition is removed with its ✕', async () => {
    const { page, server } = suite;
    await page.goto(`${server.url}/ui/#/rules`);
    await page.getByRole('button', { name: /assignments\/engineering\.yaml/ }).click();
    const builder = page.locator('.builder');
    await builder.getByRole('button', { name: 'add condition' }).first().click();
    const leaves = builder.getByRole('group', { name: /^condition \d+$/ });
    const before = await leaves.count();
    await builder.getByRole('button', { name: `remove condition ${before}` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => leaves.count()).toBe(before - 1);
    await expect.poll(focused).toBe('button#: add condition');
    await page.getByRole('button', { name: 'discard changes' }).click();
    expect(errors).toEqual([]);
  });

  it('keeps the keyboard in the content when the button pressed goes away with what it acted on', async () => {
    const { page, server } = suite;
    const made = (await (await fetch(`${server.url}/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'read', name: 'wallboard' }) })).json()) as { id: string };
    expect(made.id).toBeTruthy();
    await page.goto(`${server.url}/ui/#/tokens`);
    await page.reload();
    const revoke = page.getByRole('button', { name: 'revoke wallboard' });
    await revoke.focus();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.keyboard.press('Enter');
    await expect.poll(() => revoke.count()).toBe(0);
    await expect.poll(focused).toMatch(/^main#main/);
    expect(errors).toEqual([]);
  });
});

// Provision on demand from a user's page, in real Chromium against a real server and a real
// SCIM peer: "provision now" delivers the user's GitHub account while the admin watches, and
// says for each other app why its action still waits.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScimServer } from '../connectors/peers/scim-server.ts';
import { startScimServer } from '../connectors/peers/scim-server.ts';
import { ARTIFACTS, adminPage, browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, startServer } from './harness.ts';
import type { RunningServer } from './harness.ts';
import { overflowing } from './page-checks.ts';

const available = chromiumAvailable();
const PEER_TOKEN = 'scim-test-token';

describe.skipIf(!available)('provisioning a user now in Chromium', () => {
  let peer: ScimServer;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    ensureUiBuilt();
    peer = await startScimServer({ token: PEER_TOKEN });
    server = await startServer();
    // The seed registers GitHub with no config; point it at the peer, as an admin would.
    const connected = await call('PATCH', '/v1/apps/github', { config: { baseUrl: peer.baseUrl, auth: { type: 'bearer', token: PEER_TOKEN } } });
    if (connected.status !== 200) throw new Error(`connecting github failed: ${connected.status} ${await connected.text()}`);
    browser = await launchBrowser();
    page = await adminPage(browser, server, errors);
  }, 120_000);

  browserSuiteHooks(() => ({ browser, server, peer }));

  it('delivers Grace’s GitHub account and says why the rest waits', async () => {
    // Grace Hopper (e1002) is an engineering manager: the rules give her GitHub; she has no account yet.
    await page.goto(`${server.url}/ui/#/users/e1002`);
    await page.reload();
    await page.getByRole('heading', { name: 'Grace Hopper' }).waitFor();
    expect(peer.users.size).toBe(0);
    await page.getByRole('button', { name: 'provision now' }).click();
    const done = page.getByRole('table', { name: 'what provisioning did' });
    await done.waitFor();
    const rows = await done.getByRole('row').allTextContents();
    // (Her row in the seed's held run, a GitHub deactivation, stays held: that is the run's to decide.)
    const creates = (all: string[]) => all.filter((r) => r.startsWith('account.creategithub'));
    expect(creates(rows)).toEqual([expect.stringMatching(/^account\.creategithubdone.*rule `eng-[a-z-]*github[a-z-]*` assigns `github`/)]);
    expect([...peer.users.values()].map((u) => u.userName)).toHaveLength(1);
    // Her group `engineering` is pushed to GitHub, which had no such group: it is made first, then she joins it.
    const pushed = rows.filter((r) => r.startsWith('group.create') || r.startsWith('membership.add')).sort();
    expect(pushed).toEqual([expect.stringMatching(/^group\.create \(engineering\)githubdone/), expect.stringMatching(/^membership\.add \(engineering\)githubdone/)]);
    expect([...peer.groups.values()].map((g) => (g.members as unknown[] | undefined)?.length)).toEqual([1]);
    // Slack is in the rules, but nobody registered its connection.
    expect(rows.find((r) => r.includes('slack'))).toContain('`slack` has no connection yet');
    // Her GitHub account is now listed among her accounts, as the dispatcher recorded it.
    await expect.poll(() => page.getByRole('table', { name: 'accounts in apps' }).textContent()).toContain('github');
    await page.screenshot({ path: join(ARTIFACTS, 'provision-now.png'), fullPage: true });
    expect(await overflowing(page)).toEqual([]);

    // Again: nothing new for GitHub, so nothing is sent twice.
    await page.getByRole('button', { name: 'provision now' }).click();
    await expect.poll(async () => creates(await done.getByRole('row').allTextContents())).toEqual([]);
    expect(peer.users.size).toBe(1);
    expect(errors).toEqual([]);
  });
});

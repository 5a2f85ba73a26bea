// Operating an app's delivery from its page, in real Chromium against a real server and a real
// SCIM peer: the outbox and quarantine in words, dead letters with their errors and a retry
// (none for a read-only token), an import from the app now, drift found and repaired as a run.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScimServer } from '../connectors/peers/scim-server.ts';
import { startScimServer } from '../connectors/peers/scim-server.ts';
import { ARTIFACTS, browserSuiteHooks, chromiumAvailable, ensureUiBuilt, launchBrowser, signIn, startServer } from './harness.ts';
import type { RunningServer } from './harness.ts';
import { overflowing, unlabelledControls } from './page-checks.ts';
import { DEAD_ERRORS, DELIVERY_APP, PEER_TOKEN } from './seed-delivery.ts';

const available = chromiumAvailable();

interface DeadLetter { id: string; type: string; userId: string; attempts: number; lastError: string }

describe.skipIf(!available)('operating an app’s delivery in Chromium', () => {
  let peer: ScimServer;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const peerIds: Record<string, string> = {};
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `app-delivery-${name}.png`), fullPage: true });
  const api = async <T>(path: string): Promise<T> => (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.token}` } })).json() as Promise<T>;
  const deadLetters = async () => (await api<{ items: DeadLetter[] }>(`/v1/connectors/dead-letters?appId=${DELIVERY_APP}`)).items;
  const main = () => page.locator('main');
  const delivery = () => page.getByRole('region', { name: 'Delivery' });
  const countsShown = () => delivery().getByRole('list', { name: 'actions for this app by status' }).getByRole('listitem').allTextContents();
  const outbox = async () => (await api<{ items: { id: string; outbox: Record<string, number> }[] }>('/v1/connectors/apps')).items.find((a) => a.id === DELIVERY_APP)?.outbox ?? {};
  const failed = () => page.getByRole('table', { name: 'failed deliveries' });
  // AWS's actions waiting to be sent when the suite starts (a reconcile of the seed queued them).
  let waiting = 0;

  /**
   * Past the right edge at the window's width, and at a laptop's half-screen width (800 px) too.
   */
  async function overflowingAtWidths(): Promise<string[]> {
    const wide = await overflowing(page);
    await page.setViewportSize({ width: 800, height: 900 });
    const narrow = await overflowing(page);
    await page.setViewportSize({ width: 1400, height: 900 });
    return [...wide, ...narrow.map((n) => `at 800 px: ${n}`)];
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'sign out' }).click();
    await page.getByLabel('token').waitFor();
  }
  /** The app's page loaded afresh (going to the hash the page is already at loads nothing). */
  async function openApp(id: string): Promise<void> {
    await page.goto(`${server.url}/ui/#/apps/${id}`);
    await page.reload();
    await page.locator('main h1').waitFor();
  }
  async function addToPeer(userName: string, displayName: string): Promise<void> {
    const response = await fetch(`${peer.baseUrl}/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PEER_TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName, emails: [{ value: userName, primary: true }] }),
    });
    peerIds[userName] = ((await response.json()) as { id: string }).id;
  }

  beforeAll(async () => {
    ensureUiBuilt();
    peer = await startScimServer();
    // Kwame has an AWS account under a name the rules do not compute; the other account is no one Roster knows.
    await addToPeer('kwame.mensah@acme.example', 'Kwame M.');
    await addToPeer('old.contractor@partner.example', 'Old Contractor');
    server = await startServer({ ROSTER_E2E_SCIM_URL: peer.baseUrl });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await signIn(page, server.url, server.token);
  }, 180_000);

  browserSuiteHooks(() => ({ browser, server, peer }));

  it('says in words why delivery is paused, what waits, and what failed for good, each with its last error', async () => {
    await openApp(DELIVERY_APP);
    const counts = await outbox();
    waiting = counts.pending ?? 0;
    expect(counts).toEqual({ dead: 3, pending: waiting });
    expect(waiting).toBeGreaterThan(0);
    await expect.poll(countsShown).toEqual(['3 failed for good (dead letters)', `${waiting} waiting to be sent`]);
    expect(await delivery().textContent()).toMatch(/paused \(quarantined\) until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: every delivery failed for 15 minutes \(HTTP 503\)/);
    const rows = failed().locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    for (const letter of await deadLetters()) {
      const row = rows.filter({ hasText: letter.userId });
      expect(await row.textContent()).toContain('account.create');
      expect(await row.textContent()).toContain(`${letter.attempts}`);
      expect(await row.textContent()).toContain(letter.lastError);
    }
    expect(await failed().textContent()).toContain(DEAD_ERRORS[1]);
    expect(await unlabelledControls(page)).toEqual([]);
    // The long unbroken error from the app wraps instead of pushing the table off the screen.
    expect(await overflowingAtWidths()).toEqual([]);
    await shot('dead-letters');
  });

  it('names what is wrong with a connection config', async () => {
    // GitHub is registered with an empty config in the shared seed.
    await openApp('github');
    await expect.poll(() => delivery().textContent()).toContain('The connection config has problems');
    expect(await delivery().textContent()).toContain('baseUrl');
    await openApp('slack');
    expect(await page.getByRole('region', { name: 'Delivery' }).count()).toBe(0);
  });

  it('retries one dead letter: it leaves the list, waits to be sent again, and the counts follow', async () => {
    await openApp(DELIVERY_APP);
    const [letter] = await deadLetters();
    if (!letter) throw new Error('no dead letter was seeded');
    const row = failed().locator('tbody tr').filter({ hasText: letter.userId });
    await row.getByRole('button', { name: `retry ${letter.type} for ${letter.userId}` }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await failed().locator('tbody tr').count()).toBe(2);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'queued again' }).textContent()).toContain('1 queued again');
    await expect.poll(countsShown).toEqual(['2 failed for good (dead letters)', `${waiting + 1} waiting to be sent`]);
    const pending = await api<{ items: { id: string; attempts: number }[] }>(`/v1/outbox?status=pending&userId=${letter.userId}`);
    expect(pending.items.find((a) => a.id === letter.id)).toMatchObject({ attempts: 0 });
    expect((await deadLetters()).map((d) => d.id)).not.toContain(letter.id);
  });

  it('shows a read-only token the failed deliveries without a retry, import or drift button', async () => {
    await signOut();
    await signIn(page, server.url, server.readToken);
    await openApp(DELIVERY_APP);
    await expect.poll(() => failed().locator('tbody tr').count()).toBe(2);
    expect(await failed().textContent()).toContain(DEAD_ERRORS[1]);
    expect(await main().getByRole('button', { name: /retry/ }).count()).toBe(0);
    expect(await main().getByRole('button', { name: /import now|check drift|repair drift/ }).count()).toBe(0);
    expect(await unlabelledControls(page)).toEqual([]);
    await shot('read-only');
    await signOut();
    await signIn(page, server.url, server.token);
  });

  it('says on its row why a retry was refused (someone queued it again meanwhile)', async () => {
    await openApp(DELIVERY_APP);
    await expect.poll(() => failed().locator('tbody tr').count()).toBe(2);
    const [letter] = await deadLetters();
    if (!letter) throw new Error('no dead letter left');
    const elsewhere = await fetch(`${server.url}/v1/connectors/dead-letters/${letter.id}/retry`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } });
    expect(elsewhere.status).toBe(200);
    const row = failed().locator('tbody tr').filter({ hasText: letter.userId });
    await row.getByRole('button', { name: `retry ${letter.type} for ${letter.userId}` }).click();
    await expect.poll(() => row.getByRole('alert').textContent()).toBe(`action \`${letter.id}\` is \`pending\`, not dead`);
    expect(await failed().locator('tbody tr').count()).toBe(2);
  });

  it('retries every dead letter shown at once', async () => {
    await openApp(DELIVERY_APP);
    await expect.poll(() => failed().locator('tbody tr').count()).toBe(1);
    await page.getByRole('button', { name: 'retry all 1 shown' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Failed deliveries' }).textContent()).toContain('no failed delivery');
    await expect.poll(countsShown).toEqual([`${waiting + 3} waiting to be sent`]);
    expect(await deadLetters()).toEqual([]);
  });

  it('imports from the SCIM peer now: the accounts by situation, a new import in the list, the single match linked', async () => {
    await openApp(DELIVERY_APP);
    const imports = page.getByRole('table', { name: 'imports from this app' });
    expect(await imports.count()).toBe(0);
    await page.getByRole('button', { name: 'import now' }).click();
    const result = page.getByRole('status', { name: 'import result' });
    await expect.poll(() => result.textContent()).toContain('Imported 2 accounts from the app, 1 linked now');
    expect(await result.textContent()).toContain('1 unlinked (match one identity)');
    expect(await result.textContent()).toContain('1 unmatched (match no identity)');
    // The peer was read, not a stored copy.
    expect(peer.requests.get('GET /Users')).toBeGreaterThan(0);
    await expect.poll(() => imports.locator('tbody tr').count()).toBe(1);
    expect(await imports.locator('tbody tr').textContent()).toMatch(/done\s*2\s*0\s*1\s*1\s*0\s*0\s*0/);
    const accounts = await api<{ items: { appId: string; externalId: string }[] }>('/v1/users/e1011/accounts');
    expect(accounts.items.find((a) => a.appId === DELIVERY_APP)?.externalId).toBe(peerIds['kwame.mensah@acme.example']);
    await shot('import');
  });

  it('checks drift against the peer: the differences listed in words, then repaired through a run', async () => {
    await openApp(DELIVERY_APP);
    await page.getByRole('button', { name: 'check drift' }).click();
    const table = page.getByRole('table', { name: 'drift findings' });
    await table.waitFor();
    const stored = (await api<{ items: { kind: string; userId: string | null }[] }>(`/v1/connectors/drift?appId=${DELIVERY_APP}`)).items;
    expect(stored.length).toBeGreaterThan(2);
    expect(await table.locator('tbody tr').count()).toBe(stored.length);
    expect(await page.getByRole('status').filter({ hasText: 'differences between the app and the rules' }).textContent()).toContain(`${stored.length} differences`);
    expect(await table.getByRole('row').filter({ hasText: 'e1011' }).textContent()).toContain('displayName is "Kwame M." in the app; the rules want "Kwame Mensah"');
    expect(await table.getByRole('row').filter({ hasText: peerIds['old.contractor@partner.example'] as string }).textContent()).toContain('no identity is linked to it (orphaned)');
    const missing = stored.filter((f) => f.kind === 'missing-account');
    expect(missing.length).toBeGreaterThan(0);
    expect(await table.getByRole('row').filter({ hasText: 'account missing' }).count()).toBe(missing.length);
    expect(await overflowingAtWidths()).toEqual([]);
    await shot('drift');

    // Kwame's name is new work; the accounts missing were already queued (and wait out the quarantine).
    await page.getByRole('button', { name: 'repair drift' }).click();
    const said = page.getByRole('status').filter({ hasText: /^Run / });
    await expect.poll(() => said.textContent()).toMatch(/^Run repair-aws-\S+ planned \d+ actions for this app: 1 new in the outbox to be sent, \d+ already waiting there\.$/);
    const [, planned, already] = ((await said.textContent()) as string).match(/planned (\d+) actions.*, (\d+) already/) ?? [];
    expect(Number(planned)).toBe(Number(already) + 1);
    const runId = (await said.locator('code').textContent()) as string;
    const run = await api<{ status: string; actions: { type: string; userId: string }[] }>(`/v1/runs/${runId}?limit=200`);
    expect(run.status).toBe('planned');
    expect(run.actions.map((a) => `${a.type} ${a.userId}`)).toEqual(['account.update e1011']);
    // The update supersedes the create queued for Kwame before the import linked his account.
    await expect.poll(countsShown).toEqual([`${waiting + 3} waiting to be sent`, '1 cancelled']);
    const superseded = await api<{ items: { userId: string; type: string; lastError: string }[] }>(`/v1/outbox?appId=${DELIVERY_APP}&status=cancelled`);
    expect(superseded.items.map((a) => `${a.type} ${a.userId}: ${a.lastError}`)).toEqual([`account.create e1011: superseded by run ${runId}, which plans this account again`]);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await overflowingAtWidths()).toEqual([]);
  });
});

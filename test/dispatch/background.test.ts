// The Node background's scheduled reconcile: what depends on the date (a hire's staging window
// opening) is planned when the date comes, without a restart, an import or an admin's request.
import { afterEach, describe, expect, it } from 'vitest';
import { createIdentity } from '../../edge/db/repos/identities.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { outbox, runs } from '../../edge/db/schema.ts';
import type { Background } from '../../edge/dispatch/background.ts';
import { startBackground } from '../../edge/dispatch/background.ts';
import { openDb, quietRuntime } from './harness.ts';

const RULES = [
  { path: 'settings.yaml', text: 'kind: settings\nid: s\nattributes: { startDate: date }\nlifecycle: { stageDaysBeforeStart: 7, timeZone: UTC }\n' },
  { path: 'apps.yaml', text: 'kind: app\nid: wiki\nconnector: scim\n' },
  { path: 'a.yaml', text: 'kind: assignment\nid: everyone\nwhen: { fact: status, operator: equal, value: ACTIVE }\nassign: [ { app: wiki } ]\n' },
];

let background: Background | undefined;
afterEach(async () => {
  await background?.stop();
  background = undefined;
});

describe('the Node background', () => {
  it('reconciles every user on a schedule: a hire gets their account once the staging window opens', async () => {
    const db = await openDb();
    let now = '2026-03-01T09:00:00.000Z';
    const runtime = await quietRuntime(db, { now: () => now });
    const ctx = { at: now, actor: 'test' };
    await saveRuleSet(db, { version: 'v1', files: RULES, source: 'test' }, ctx, { activate: true });
    await createIdentity(db, { id: 'hire', login: 'hire', email: 'hire@example.com', status: 'ACTIVE', profile: { startDate: '2026-03-20' } }, ctx);
    const creates = async () => (await db.select().from(outbox)).filter((a) => a.type === 'account.create' && a.userId === 'hire');
    const scheduled = async () => (await db.select().from(runs)).filter((r) => r.kind === 'reconcile');

    background = startBackground(runtime, { reconcileEveryMs: 40, driftEveryMs: 0, pollMs: 20 });
    // Before the window (20 March − 7 days): runs are made, nothing is granted.
    await expect.poll(async () => (await scheduled()).length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(await creates()).toEqual([]);
    // The window opens: the next scheduled run plans the account.
    now = '2026-03-14T09:00:00.000Z';
    await expect.poll(async () => (await creates()).length, { timeout: 5000 }).toBe(1);
  });

  it('does nothing on schedule while no rule set is active, and stops', async () => {
    const db = await openDb();
    const runtime = await quietRuntime(db);
    background = startBackground(runtime, { reconcileEveryMs: 20, driftEveryMs: 0, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 120));
    expect(await db.select().from(runs)).toEqual([]);
  });
});

// Proof under faults: 1,000 creates to a SCIM app that fails 30% of requests. The app is the
// real scimmy server with a fault-injecting proxy in front (500s, 429 with Retry-After, and
// timeouts both before the server sees a request and after it applied one). Uniqueness is OFF
// on the server, so a duplicated create would show up as a second resource. In the end every
// action is applied exactly once: the server holds 1,000 users, one per action.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outboxCounts } from '../../edge/db/repos/outbox.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import { startFaultProxy } from '../connectors/peers/fault-proxy.ts';
import type { FaultProxy } from '../connectors/peers/fault-proxy.ts';
import { startScimServer } from '../connectors/peers/scim-server.ts';
import type { ScimServer } from '../connectors/peers/scim-server.ts';
import { createActions, faultyAppConfig, openDb, quietRuntime, seed, settled, waitFor } from './harness.ts';

const N = 1000;
let server: ScimServer;
let proxy: FaultProxy;
beforeAll(async () => {
  server = await startScimServer({ unique: false });
  proxy = await startFaultProxy({ target: server.url, rate: 0.3, seed: 2025, retryAfterSeconds: 1 });
});
afterAll(async () => {
  await proxy.close();
  await server.close();
});

it('delivers 1,000 creates through 30% faults: every one applied exactly once, none lost', async () => {
  const db = await openDb();
  const actions = createActions(N);
  await seed(db, faultyAppConfig(`${proxy.url}/scim/v2`), actions);
  const dispatcher = createDispatcher(await quietRuntime(db), { pollMs: 20 });
  const started = Date.now();
  void dispatcher.run();
  await waitFor(() => settled(db, N), 540_000, 500);
  await dispatcher.stop();
  const seconds = (Date.now() - started) / 1000;

  const counts = await outboxCounts(db);
  const users = [...server.users.values()];
  const byExternalId = new Map<string, number>();
  for (const u of users) byExternalId.set(String(u.externalId), (byExternalId.get(String(u.externalId)) ?? 0) + 1);
  const duplicated = [...byExternalId.values()].filter((n) => n > 1).length;
  const lost = actions.filter((a) => !byExternalId.has(a.userId as string)).length;
  console.log(
    `faults: ${N} actions in ${seconds.toFixed(1)} s; outbox ${JSON.stringify(counts)}; server users ${users.length}, duplicated ${duplicated}, lost ${lost}; ` +
      `proxy ${JSON.stringify(proxy.counts)}; dispatcher ${JSON.stringify(dispatcher.counts)}`,
  );
  expect(proxy.counts.e500 + proxy.counts.e429 + proxy.counts.timeoutBefore + proxy.counts.timeoutAfter).toBeGreaterThan(300);
  expect(proxy.counts.timeoutAfter).toBeGreaterThan(0);
  expect(counts).toEqual({ done: N });
  expect(users).toHaveLength(N);
  expect(duplicated).toBe(0);
  expect(lost).toBe(0);
  // Some creates reached the server but their answer was lost: the retry found them.
  expect(dispatcher.counts.already).toBeGreaterThan(0);
}, 600_000);

// The dispatcher killed with SIGKILL mid-run and restarted: the same 1,000 creates through the
// same faulty SCIM app (30% faults through the fault-injecting proxy in front of scimmy, its
// uniqueness check OFF so a duplicate would show). The dispatcher runs as a child process over
// a file libSQL database; the kill leaves actions claimed (`delivering`), some of them applied
// in the app without their outcome written. The restarted dispatcher takes them back after the
// lease and its lookup-before-create finds what was applied: every action exactly once.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outboxCounts } from '../../edge/db/repos/outbox.ts';
import { startFaultProxy } from '../connectors/peers/fault-proxy.ts';
import type { FaultProxy } from '../connectors/peers/fault-proxy.ts';
import { startScimServer } from '../connectors/peers/scim-server.ts';
import type { ScimServer } from '../connectors/peers/scim-server.ts';
import { createActions, faultyAppConfig, openDb, seed, settled, waitFor } from './harness.ts';

const N = 1000;
let server: ScimServer;
let proxy: FaultProxy;
const dir = mkdtempSync(join(tmpdir(), 'roster-crash-'));
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startScimServer({ unique: false });
  proxy = await startFaultProxy({ target: server.url, rate: 0.3, seed: 99, retryAfterSeconds: 1 });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await proxy.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function startChild(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child.ts')], {
    env: { ...process.env, ROSTER_TEST_DB: url, ROSTER_TEST_LEASE_MS: '3000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`dispatcher exited early with ${code}`)));
  });
}

it('a dispatcher killed with SIGKILL mid-run and restarted applies every action exactly once', async () => {
  const url = `file:${join(dir, 'roster.db')}`;
  const db = await openDb(url);
  const actions = createActions(N);
  await seed(db, faultyAppConfig(`${proxy.url}/scim/v2`), actions);

  const first = await startChild(url);
  await waitFor(async () => ((await outboxCounts(db)).done ?? 0) >= N * 0.3, 480_000, 100);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const atKill = await outboxCounts(db);
  const appliedAtKill = server.users.size;

  const second = await startChild(url);
  await waitFor(() => settled(db, N), 540_000, 500);
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));

  const counts = await outboxCounts(db);
  const perUser = new Map<string, number>();
  for (const u of server.users.values()) perUser.set(String(u.externalId), (perUser.get(String(u.externalId)) ?? 0) + 1);
  const duplicated = [...perUser.values()].filter((n) => n > 1).length;
  const lost = actions.filter((a) => !perUser.has(a.userId as string)).length;
  console.log(`crash: at the kill outbox ${JSON.stringify(atKill)}, server users ${appliedAtKill}; after restart outbox ${JSON.stringify(counts)}, server users ${server.users.size}, duplicated ${duplicated}, lost ${lost}; proxy ${JSON.stringify(proxy.counts)}`);
  // The kill interrupted deliveries in flight.
  expect(atKill.delivering ?? 0).toBeGreaterThan(0);
  expect(counts).toEqual({ done: N });
  expect(server.users.size).toBe(N);
  expect(duplicated).toBe(0);
  expect(lost).toBe(0);
}, 900_000);

// A real edge for the agent suites: the Hono app over a migrated libSQL file, served on a free
// loopback port, with an admin and an agent token, and a directory app `corp-ldap`.
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '../../engine/types.ts';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import type { Db } from '../../edge/db/index.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import type { Runtime } from '../../edge/runtime.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { freePort } from './slapd.ts';

export const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };

export interface Edge {
  url: string;
  db: Db;
  runtime: Runtime;
  agentToken: string;
  adminToken: string;
  /** Stops serving (the database stays), as if the edge went away. */
  stop(): Promise<void>;
  /** Serves again on the same port. */
  start(): void;
  /** A second edge process over the same database file: its own connection, runtime and port (the same seal key, as ROSTER_SEAL_KEY gives every process). */
  twin(): Promise<{ url: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startEdge(appConfig: Record<string, unknown> = {}): Promise<Edge> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-edge-'));
  const db = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
  await migrate(db);
  const runtime = await createRuntime({ db, log: () => {} });
  const agentToken = (await createToken(db, { scope: 'agent', name: 'agent' }, ctx)).token;
  const adminToken = (await createToken(db, { scope: 'admin', name: 'admin' }, ctx)).token;
  await saveApp(db, { id: 'corp-ldap', name: 'Corporate directory', connector: 'ldap', config: { retry: { baseMs: 200, maxMs: 1000 }, ...appConfig } }, ctx);
  const port = await freePort();
  const app = createApp(runtime);
  let server: ServerType | undefined = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const stop = async () => {
    const current = server as (ServerType & { closeAllConnections?: () => void }) | undefined;
    server = undefined;
    if (!current) return;
    await new Promise<void>((resolve) => {
      current.close(() => resolve());
      current.closeAllConnections?.();
    });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    runtime,
    agentToken,
    adminToken,
    stop,
    start() {
      server ??= serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
    },
    async twin() {
      const other = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
      const otherRuntime = await createRuntime({ db: other, sealKey: runtime.sealKey, log: () => {} });
      const otherPort = await freePort();
      const otherServer = serve({ fetch: createApp(otherRuntime).fetch, hostname: '127.0.0.1', port: otherPort }) as ServerType & { closeAllConnections?: () => void };
      return {
        url: `http://127.0.0.1:${otherPort}`,
        async close() {
          await new Promise<void>((resolve) => {
            otherServer.close(() => resolve());
            otherServer.closeAllConnections?.();
          });
          other.$client.close();
        },
      };
    },
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let runs = 0;
export async function queue(db: Db, actions: readonly Action[]): Promise<void> {
  runs += 1;
  const run = await createRun(db, { id: `run-${runs}`, kind: 'reconcile', status: 'planned', asOf: ctx.at }, actions, ctx);
  if (!run.ok) throw new Error(run.message);
}

export function people(n: number, prefix = 'p'): Action[] {
  return Array.from({ length: n }, (_, i) => {
    const uid = `${prefix}${String(i).padStart(5, '0')}`;
    return {
      id: `create-corp-ldap-${uid}`,
      type: 'account.create' as const,
      userId: uid,
      appId: 'corp-ldap',
      attributes: { uid, cn: `Person ${uid}`, sn: uid, mail: `${uid}@example.com`, ou: i % 2 ? 'Sales' : 'Engineering' },
      reason: { summary: 'test', rules: ['test'], version: 'v1', matched: [] },
    };
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

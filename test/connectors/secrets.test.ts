// Connector secrets are write-only and sealed at rest: registered through the API, a SCIM
// app's bearer token and a REST app's API key never appear in the apps table, the audit log
// or a response, yet the dispatcher delivers with them to the real SCIM and REST peers; a
// secret that no longer opens stops delivery with an error naming it; apps stored before
// sealing are sealed at start.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import { sealStoredSecrets } from '../../edge/services/app-secrets.ts';
import { generateSealKey } from '../../edge/services/passwords.ts';
import type { Runtime } from '../../edge/runtime.ts';
import type { ApiContext } from '../api/context.ts';
import { setup } from '../api/context.ts';
import { createActions, openDb, quietRuntime } from '../dispatch/harness.ts';
import type { ScimServer } from './peers/scim-server.ts';
import { startScimServer } from './peers/scim-server.ts';

const SCIM_TOKEN = 'scim-bearer-0123456789abcdef';
const API_KEY = 'rest-api-key-fedcba9876543210';
const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };

/** A web-service app that wants its API key in `X-Api-Key`; it records what it was sent. */
function startKeyedApp(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(String(req.headers['x-api-key'] ?? ''));
    req.resume();
    req.on('end', () => {
      const allowed = req.headers['x-api-key'] === API_KEY;
      res.writeHead(allowed ? 201 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(allowed ? { id: `acct-${seen.length}` } : { error: 'bad key' }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

let scim: ScimServer;
let keyed: Awaited<ReturnType<typeof startKeyedApp>>;
let api: ApiContext;
beforeAll(async () => {
  scim = await startScimServer({ token: SCIM_TOKEN });
  keyed = await startKeyedApp();
});
afterAll(async () => {
  await scim.close();
  await keyed.close();
});
beforeEach(async () => {
  api = await setup(async () => quietRuntime(await openDb()));
  scim.users.clear();
  scim.requests.clear();
  keyed.seen.length = 0;
});

const scimApp = () => ({ id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: scim.baseUrl, auth: { type: 'bearer', token: SCIM_TOKEN } } });
const keyedApp = () => ({
  id: 'wiki',
  name: 'Wiki',
  connector: 'rest',
  config: { baseUrl: keyed.url, auth: { type: 'header', name: 'X-Api-Key', value: API_KEY }, actions: { 'account.create': { method: 'POST', path: '/users', body: { login: '{{attributes.userName}}' } } } },
});

/** Everything the database holds, as text. */
async function stored(): Promise<string> {
  const tables = ['apps', 'audit_events', 'outbox'];
  return JSON.stringify(await Promise.all(tables.map((t) => api.runtime.db.all(sql.raw(`SELECT * FROM ${t}`)))));
}

async function deliver(appId: string, count: number, runtime: Runtime = api.runtime): Promise<void> {
  await createRun(runtime.db, { id: `run-${appId}-${runtime.newId()}`, kind: 'reconcile', status: 'planned', asOf: ctx.at }, createActions(count, appId, runtime.newId().slice(0, 8)), ctx);
  const dispatcher = createDispatcher(runtime);
  await dispatcher.tick();
  await dispatcher.drain();
}

async function outboxOf(appId: string): Promise<{ status: string; lastError: string | null }[]> {
  return (await api.call('GET', `/v1/outbox?appId=${appId}`)).body.items;
}

describe('connector secrets', () => {
  it('are sealed at rest and redacted in responses and the audit log, and delivery uses them', async () => {
    for (const app of [scimApp(), keyedApp()]) {
      const created = await api.call('POST', '/v1/apps', { body: app });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    expect((await api.call('GET', '/v1/apps/crm')).body.config.auth).toEqual({ type: 'bearer', token: '(redacted)' });
    expect((await api.call('GET', '/v1/apps/wiki')).body.config.auth).toEqual({ type: 'header', name: 'X-Api-Key', value: '(redacted)' });
    const audit = JSON.stringify((await api.call('GET', '/v1/audit')).body);
    expect(audit).toContain('(redacted)');
    const everything = await stored();
    expect(everything).not.toContain(SCIM_TOKEN);
    expect(everything).not.toContain(API_KEY);
    expect(everything).toContain(scim.baseUrl);

    await deliver('crm', 2);
    await deliver('wiki', 1);
    expect((await outboxOf('crm')).map((a) => a.status)).toEqual(['done', 'done']);
    expect(scim.users.size).toBe(2);
    expect((await outboxOf('wiki')).map((a) => a.status)).toEqual(['done']);
    expect(keyed.seen).toEqual([API_KEY]);
  });

  it('keeps a secret sent back as (redacted), and takes a new one', async () => {
    await api.call('POST', '/v1/apps', { body: scimApp() });
    const shown = (await api.call('GET', '/v1/apps/crm')).body;
    const renamed = await api.call('PATCH', '/v1/apps/crm', { body: { config: { ...shown.config, timeoutMs: 5000 } } });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    await deliver('crm', 1);
    expect(scim.users.size).toBe(1);

    const wrong = await api.call('PATCH', '/v1/apps/crm', { body: { config: { ...shown.config, auth: { type: 'bearer', token: 'not-the-token' } } } });
    expect(wrong.status).toBe(200);
    expect(await stored()).not.toContain('not-the-token');
    await deliver('crm', 1);
    const failed = (await outboxOf('crm')).filter((a) => a.status !== 'done');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toMatch(/401/);
  });

  it('stops delivery, naming the secret, when it was sealed with another key', async () => {
    await api.call('POST', '/v1/apps', { body: scimApp() });
    // The same database under a new seal key (a lost `seal.key`, a changed ROSTER_SEAL_KEY).
    await deliver('crm', 1, { ...api.runtime, sealKey: await generateSealKey() });
    const [action] = await outboxOf('crm');
    expect(action?.status).not.toBe('done');
    expect(action?.lastError).toContain('`auth.token` of app `crm` could not be opened');
    expect(scim.requests.size).toBe(0);
  });

  it('seals the secrets of apps stored before sealing, once', async () => {
    const { db } = api.runtime;
    await saveApp(db, scimApp(), ctx);
    expect(await stored()).toContain(SCIM_TOKEN);
    expect(await sealStoredSecrets(api.runtime, ctx)).toEqual(['crm']);
    expect(await stored()).not.toContain(SCIM_TOKEN.slice(0, 10));
    expect(await sealStoredSecrets(api.runtime, ctx)).toEqual([]);
    await deliver('crm', 1);
    expect(scim.users.size).toBe(1);
  });
});

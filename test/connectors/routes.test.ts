// `/v1/connectors` and the manual-task confirmation through the API: dead letters with their
// last error and a retry, each app's quarantine and config errors, a task confirmed done
// recording the account, and scopes (read may look, not act).
import { beforeEach, describe, expect, it } from 'vitest';
import type { Action } from '../../engine/types.ts';
import { getAccount } from '../../edge/db/repos/accounts.ts';
import { quarantineApp, saveApp } from '../../edge/db/repos/apps.ts';
import { createManualTask } from '../../edge/db/repos/manual-tasks.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import { createDispatcher } from '../../edge/dispatch/dispatcher.ts';
import type { ApiContext } from '../api/context.ts';
import { setup } from '../api/context.ts';
import { createActions, openDb, quietRuntime } from '../dispatch/harness.ts';

let api: ApiContext;
const ctx = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
beforeEach(async () => {
  api = await setup(async () => quietRuntime(await openDb()));
});

describe('/v1/connectors', () => {
  it('lists dead letters with the last error, and queues one again', async () => {
    const { db } = api.runtime;
    await saveApp(db, { id: 'crm', name: 'CRM', connector: 'refuses', config: {} }, ctx);
    await createRun(db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: ctx.at }, createActions(2), ctx);
    const dispatcher = createDispatcher(api.runtime, { factories: new Map([['refuses', () => ({ apply: async () => ({ ok: false as const, error: 'POST /Users answered 400: userName is required', retryable: false, status: 400 }) })]]) });
    await dispatcher.tick();
    await dispatcher.drain();
    const dead = await api.call('GET', '/v1/connectors/dead-letters?appId=crm');
    expect(dead.status).toBe(200);
    expect(dead.body.items).toHaveLength(2);
    expect(dead.body.items[0]).toMatchObject({ type: 'account.create', appId: 'crm', attempts: 1, lastError: 'POST /Users answered 400: userName is required' });
    const id = dead.body.items[0].id as string;
    expect((await api.call('POST', `/v1/connectors/dead-letters/${id}/retry`, { token: api.tokens.read })).status).toBe(403);
    expect((await api.call('POST', `/v1/connectors/dead-letters/${id}/retry`)).status).toBe(200);
    expect((await api.call('POST', `/v1/connectors/dead-letters/${id}/retry`)).status).toBe(409);
    expect((await api.call('GET', '/v1/connectors/dead-letters', { token: api.tokens.read })).body.items).toHaveLength(1);
  });

  it('shows each app\'s quarantine with its reason, config errors and outbox counts', async () => {
    const { db } = api.runtime;
    await saveApp(db, { id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: 'http://127.0.0.1:1/scim/v2', auth: { type: 'bearer', token: 't' } } }, ctx);
    await saveApp(db, { id: 'wiki', name: 'Wiki', connector: 'scim', config: { baseUrl: 'nope' } }, ctx);
    await createRun(db, { id: 'r1', kind: 'reconcile', status: 'planned', asOf: ctx.at }, createActions(3), ctx);
    await quarantineApp(db, 'crm', '2025-01-01T10:00:00.000Z', '12 of the last 20 requests failed; last: GET /Users timed out after 10000 ms', ctx);
    const res = await api.call('GET', '/v1/connectors/apps', { token: api.tokens.read });
    expect(res.status).toBe(200);
    const byId = Object.fromEntries((res.body.items as { id: string; configErrors: string[] }[]).map((a) => [a.id, a]));
    expect(byId.crm).toMatchObject({ status: 'quarantined', quarantinedUntil: '2025-01-01T10:00:00.000Z', quarantineReason: '12 of the last 20 requests failed; last: GET /Users timed out after 10000 ms', configErrors: [], outbox: { pending: 3 } });
    expect(byId.wiki?.configErrors.join('; ')).toMatch(/`baseUrl`.*`auth`/);
  });

  it('a manual task confirmed done through the API records the account it stood for', async () => {
    const { db } = api.runtime;
    const task: Action = { id: 'task-1', type: 'task.manual', userId: 'ann', appId: 'badges', attributes: { task: 'create the `Badges` account of `ann`', operation: 'account.create', owners: ['f@example.com'], account: { badge: 'A-1' } }, reason: { summary: 't', rules: [], version: 'v', matched: [] } };
    await createRun(db, { id: 'r2', kind: 'reconcile', status: 'planned', asOf: ctx.at }, [task], ctx);
    const { task: stored } = await createManualTask(db, { id: 'mt-1', actionId: 'task-1', appId: 'badges', userId: 'ann', description: 'create the `Badges` account of `ann`', owners: ['f@example.com'] }, ctx);
    const done = await api.call('POST', `/v1/tasks/${stored.id}/done`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done' });
    expect(await getAccount(db, 'ann', 'badges')).toMatchObject({ status: 'active', attributes: { badge: 'A-1' } });
    expect((await api.call('POST', `/v1/tasks/${stored.id}/done`)).status).toBe(409);
  });

  it('unknown apps and items are 404s', async () => {
    expect((await api.call('POST', '/v1/connectors/apps/nope/import')).status).toBe(404);
    expect((await api.call('POST', '/v1/connectors/apps/nope/drift')).status).toBe(404);
    expect((await api.call('POST', '/v1/connectors/import-items/nope/confirm', { body: {} })).status).toBe(404);
  });
});

// Provision on demand against a real SCIM server: one user planned and delivered in the request,
// each action's outcome and why in the answer; what cannot be delivered says why it waits; a
// failed delivery waiting out its backoff is tried again at once when asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiContext } from '../api/context.ts';
import { countRows, setup } from '../api/context.ts';
import { RULES, engineer } from '../api/fixtures.ts';
import { openDb, quietRuntime } from '../dispatch/harness.ts';
import type { ScimServer } from './peers/scim-server.ts';
import { startScimServer } from './peers/scim-server.ts';

const TOKEN = 'provision-now-token';
let scim: ScimServer;
let api: ApiContext;
beforeAll(async () => {
  scim = await startScimServer({ token: TOKEN });
});
afterAll(() => scim.close());
beforeEach(async () => {
  scim.users.clear();
  api = await setup(async () => quietRuntime(await openDb()));
  expect((await api.call('POST', '/v1/rule-sets', { body: { files: RULES, activate: true } })).status).toBe(201);
});

const connect = (token: string, baseUrl = scim.baseUrl) => api.call('POST', '/v1/apps', { body: { id: 'github', name: 'GitHub', connector: 'scim', config: { baseUrl, auth: { type: 'bearer', token }, timeoutMs: 2000 } } });
const provision = (id: string) => api.call('POST', `/v1/users/${id}/provision`);
type Shown = { type: string; appId: string | null; status: string; why: string; waiting?: string; lastError: string | null };
const byApp = (actions: Shown[], appId: string) => actions.filter((a) => a.appId === appId);

describe('POST /v1/users/{id}/provision', () => {
  it('delivers what the rules give the user now, and says why the rest waits', async () => {
    expect((await connect(TOKEN)).status).toBe(201);
    expect((await api.call('POST', '/v1/users', { body: engineer(1) })).status).toBe(201);
    expect(scim.users.size).toBe(0);

    const res = await provision('u1');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.run.status).toBe('planned');
    const github = byApp(res.body.actions, 'github');
    expect(github).toEqual([expect.objectContaining({ type: 'account.create', status: 'done', why: expect.stringContaining('eng-github') })]);
    expect(github[0]).not.toHaveProperty('waiting');
    expect([...scim.users.values()].map((u) => u.emails)).toEqual([[expect.objectContaining({ value: 'eng1@example.com' })]]);
    // `wiki` is in the rules but nobody registered its connection.
    expect(byApp(res.body.actions, 'wiki')).toEqual([expect.objectContaining({ type: 'account.create', status: 'pending', waiting: expect.stringContaining('`wiki` has no connection yet') })]);

    // Again: GitHub has the account now, so nothing is sent twice; the wiki still waits.
    const again = await provision('u1');
    expect(byApp(again.body.actions, 'github')).toEqual([]);
    expect(byApp(again.body.actions, 'wiki')).toHaveLength(1);
    expect(scim.users.size).toBe(1);
  });

  it('shows a failed delivery with its error, and tries it again at once when asked', async () => {
    // Nothing listens on port 9 here: the connection is refused, which is worth retrying.
    await connect(TOKEN, 'http://127.0.0.1:9/scim/v2');
    await api.call('POST', '/v1/users', { body: engineer(2) });
    const failed = byApp((await provision('u2')).body.actions, 'github');
    expect(failed).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, waiting: expect.stringMatching(/^failed \(try 1\): .+; tried again at /) })]);

    const shown = (await api.call('GET', '/v1/apps/github')).body;
    expect((await api.call('PATCH', '/v1/apps/github', { body: { config: { ...shown.config, baseUrl: scim.baseUrl } } })).status).toBe(200);
    // The retry is not due yet (backoff); provisioning now does not wait for it.
    const retried = byApp((await provision('u2')).body.actions, 'github');
    expect(retried).toEqual([expect.objectContaining({ type: 'account.create', status: 'done', attempts: 2 })]);
    expect(scim.users.size).toBe(1);
  });

  it('says when the app refused for good, and delivers once the app is fixed', async () => {
    await connect('not-the-token');
    await api.call('POST', '/v1/users', { body: engineer(4) });
    const dead = byApp((await provision('u4')).body.actions, 'github');
    expect(dead).toEqual([expect.objectContaining({ status: 'dead', waiting: expect.stringMatching(/^gave up after 1 tries: .*401/) })]);
    const shown = (await api.call('GET', '/v1/apps/github')).body;
    await api.call('PATCH', '/v1/apps/github', { body: { config: { ...shown.config, auth: { type: 'bearer', token: TOKEN } } } });
    // The plan still wants the account: a dead action planned again is queued again.
    expect(byApp((await provision('u4')).body.actions, 'github')).toEqual([expect.objectContaining({ status: 'done' })]);
    expect(scim.users.size).toBe(1);
  });

  it('answers an unknown user with 404 and a user of no rule set with 409, writing nothing', async () => {
    expect((await provision('nobody')).status).toBe(404);
    const bare = await setup(async () => quietRuntime(await openDb()));
    await bare.call('POST', '/v1/users', { body: engineer(3) });
    const before = await countRows(bare.runtime.db);
    const res = await bare.call('POST', '/v1/users/u3/provision');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_active_rule_set');
    expect(await countRows(bare.runtime.db)).toEqual(before);
  });
});

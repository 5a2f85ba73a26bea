// Mass deactivation across one directory import, against a real slapd: the users one import
// takes away are deprovisioned as ONE plan through the safety gates a reconcile run goes
// through. 30 of 100 directory users deleted → one held run with the threshold reasons, no
// status changed and no action deliverable until an admin approves (or rejects); 5 of 100
// disabled → below the threshold, deprovisioned at once.
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent/agent.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { recordAccounts } from '../../edge/db/repos/accounts.ts';
import { createIdentity, getIdentities } from '../../edge/db/repos/identities.ts';
import { listRuns } from '../../edge/db/repos/runs.ts';
import { queryOutbox } from '../../edge/services/outbox-query.ts';
import type { Edge } from './edge.ts';
import { ctx, startEdge } from './edge.ts';
import { openldapConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();
const PEOPLE = `ou=Engineering,ou=people,${BASE}`;
const uid = (i: number) => `m${String(i).padStart(3, '0')}`;
const userId = (i: number) => `user-${uid(i)}`;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

const RULES = [
  { path: 'apps/wiki.yaml', text: 'kind: app\nid: wiki\nname: Wiki\nconnector: scim\n' },
  { path: 'assignments/wiki.yaml', text: "kind: assignment\nid: everyone-wiki\nwhen:\n  all:\n    - { fact: email, operator: endsWith, value: '@example.com' }\nassign:\n  - { app: wiki }\n" },
];

describe.skipIf(!run)('mass deactivation across one directory import goes through the safety gates as one plan', () => {
  let slapd: Slapd;
  let edge: Edge;
  let root: Client;
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url, ['people', 'groups', 'Engineering,ou=people']);
    edge = await startEdge({ source: true, autoConfirm: true, match: [{ user: 'email', app: 'mail' }] });
    root = new Client({ url: slapd.url });
    await root.bind(ROOT_DN, ROOT_PW);
    for (const i of range(0, 100)) {
      await root.add(`uid=${uid(i)},${PEOPLE}`, { objectClass: ['inetOrgPerson'], uid: uid(i), cn: uid(i), sn: uid(i), mail: `${uid(i)}@example.com` });
      await createIdentity(edge.db, { id: userId(i), login: uid(i), email: `${uid(i)}@example.com`, status: 'ACTIVE', profile: {} }, ctx);
    }
    // Every user has a wiki account the rules keep while they are active.
    await recordAccounts(edge.db, range(0, 100).map((i) => ({ userId: userId(i), appId: 'wiki', status: 'active' as const })), ctx);
    const uploaded = await admin('POST', '/v1/rule-sets', { files: RULES, activate: true });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBeLessThan(300);
    expect((await importFull()).summary).toMatchObject({ health: 'ok', linked: 100, deprovisioned: [] });
  }, 60_000);
  afterAll(async () => {
    await root?.unbind().catch(() => undefined);
    await edge?.close();
    await slapd?.destroy();
  });

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${edge.url}${path}`, { method, headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  async function importFull() {
    const config = openldapConfig(slapd.url);
    const directory = createDirectory(config, ROOT_PW);
    try {
      return await createAgent({ edge: edge.url, token: edge.agentToken, config, directory, log: () => {} }).importOnce('full');
    } finally {
      await directory.close();
    }
  }
  const statuses = async (ids: number[]) => new Set((await getIdentities(edge.db, ids.map(userId))).map((i) => i.status));
  const actionsOf = async (runId: string) => (await queryOutbox(edge.db, { runId, limit: 500 })).items;

  let heldRunId = '';

  it('deleting 30 of 100 holds ONE run with the threshold reasons; nobody is deprovisioned and nothing can be delivered', async () => {
    for (const i of range(0, 30)) await root.del(`uid=${uid(i)},${PEOPLE}`);
    const pushed = await importFull();
    const summary = pushed.summary as { held?: { runId: string; users: string[]; reasons: string[] }; deprovisioned: string[]; counts: Record<string, number> };
    expect(summary).toMatchObject({ health: 'ok', counts: { deleted: 30 }, deprovisioned: [] });
    expect(summary.held?.users.sort()).toEqual(range(0, 30).map(userId));
    expect(summary.held?.reasons).toEqual(
      expect.arrayContaining([
        '`corp-ldap`: 30 accounts would be deactivated or deleted, 30% of 100, above the limit of 20%',
        '`wiki`: 30 accounts would be deactivated or deleted, 30% of 100, above the limit of 20%',
      ]),
    );
    heldRunId = summary.held?.runId as string;
    const stored = await admin('GET', `/v1/runs/${heldRunId}`);
    expect(stored.body).toMatchObject({ kind: 'import', status: 'held', heldReasons: summary.held?.reasons });
    expect(await statuses(range(0, 100))).toEqual(new Set(['ACTIVE']));
    const actions = await actionsOf(heldRunId);
    expect(actions).toHaveLength(30);
    expect(new Set(actions.map((a) => `${a.type} ${a.appId} ${a.status}`))).toEqual(new Set(['account.deactivate wiki held']));
  });

  it('the next import while the run is held does not plan the same users again', async () => {
    const pushed = await importFull();
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { deleted: 30 }, deprovisioned: [] });
    expect((pushed.summary as { held?: unknown }).held).toBeUndefined();
    const held = await listRuns(edge.db, { status: 'held' });
    expect(held.ok && held.value.items.map((r) => r.id)).toEqual([heldRunId]);
  });

  it('approving the run deprovisions those users and releases their actions, together', async () => {
    const approved = await admin('POST', `/v1/runs/${heldRunId}/approve`);
    expect(approved.status).toBe(200);
    expect(await statuses(range(0, 30))).toEqual(new Set(['DEPROVISIONED']));
    expect(await statuses(range(30, 100))).toEqual(new Set(['ACTIVE']));
    expect(new Set((await actionsOf(heldRunId)).map((a) => a.status))).toEqual(new Set(['pending']));
  });

  it('below the threshold (5 of 100 disabled) the import deprovisions at once, as one planned run', async () => {
    for (const i of range(30, 35)) await root.modify(`uid=${uid(i)},${PEOPLE}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) })]);
    const pushed = await importFull();
    const summary = pushed.summary as { held?: unknown; deprovisioned: string[]; runId: string };
    expect(summary.held).toBeUndefined();
    expect(summary.deprovisioned.sort()).toEqual(range(30, 35).map(userId));
    expect(await statuses(range(30, 35))).toEqual(new Set(['DEPROVISIONED']));
    expect(await statuses(range(35, 100))).toEqual(new Set(['ACTIVE']));
    expect((await admin('GET', `/v1/runs/${summary.runId}`)).body).toMatchObject({ kind: 'import', status: 'planned', heldReasons: [] });
    const actions = await actionsOf(summary.runId);
    expect(actions.map((a) => `${a.type} ${a.appId} ${a.status}`)).toEqual(Array(5).fill('account.deactivate wiki pending'));
  });

  it('rejecting a held run changes nobody and cancels its actions', async () => {
    for (const i of range(35, 60)) await root.del(`uid=${uid(i)},${PEOPLE}`);
    const pushed = await importFull();
    const held = (pushed.summary as { held?: { runId: string; users: string[] } }).held;
    expect(held?.users).toHaveLength(25);
    expect((await admin('POST', `/v1/runs/${held?.runId}/reject`)).status).toBe(200);
    expect(await statuses(range(35, 100))).toEqual(new Set(['ACTIVE']));
    expect(new Set((await actionsOf(held?.runId as string)).map((a) => a.status))).toEqual(new Set(['cancelled']));
    // Still gone from the directory: the next import holds them again for a decision.
    const next = await importFull();
    expect((next.summary as { held?: { users: string[] } }).held?.users).toHaveLength(25);
  });
});

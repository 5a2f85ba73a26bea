// The directory as a source, against a real slapd: 10,000 entries read with paged searches and
// correlated (time printed), incremental reads by modifyTimestamp, a user disabled or deleted in
// the directory deactivated in Roster, and empty or failed reads that deactivate nobody.
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent/agent.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createIdentity, getIdentity } from '../../edge/db/repos/identities.ts';
import type { Edge } from './edge.ts';
import { ctx, startEdge } from './edge.ts';
import { openldapConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();
const TOTAL = 10_000;
const PEOPLE = `ou=Engineering,ou=people,${BASE}`;
const uid = (i: number) => `imp${String(i).padStart(5, '0')}`;

describe.skipIf(!run)('directory import through the agent', () => {
  let slapd: Slapd;
  let edge: Edge;
  let root: Client;
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url, ['people', 'groups', 'Engineering,ou=people', 'Empty,ou=people']);
    edge = await startEdge({ source: true, autoConfirm: true, match: [{ user: 'email', app: 'mail' }] });
    root = new Client({ url: slapd.url });
    await root.bind(ROOT_DN, ROOT_PW);
    const started = performance.now();
    for (let i = 0; i < TOTAL; i += 250) {
      await Promise.all(
        Array.from({ length: Math.min(250, TOTAL - i) }, (_, k) => {
          const id = uid(i + k);
          return root.add(`uid=${id},${PEOPLE}`, { objectClass: ['inetOrgPerson'], uid: id, cn: `Imported ${id}`, sn: id, mail: `${id}@example.com` });
        }),
      );
    }
    console.log(`seeded ${TOTAL} entries into slapd in ${Math.round(performance.now() - started)} ms`);
    for (const i of [1, 2, 3, 4, 5]) await createIdentity(edge.db, { id: `user-${i}`, login: uid(i), email: `${uid(i)}@example.com`, status: 'ACTIVE', profile: {} }, ctx);
  }, 180_000);
  afterAll(async () => {
    await root?.unbind().catch(() => undefined);
    await edge?.close();
    await slapd?.destroy();
  });

  const agentFor = (extra: Parameters<typeof openldapConfig>[1] = {}) => {
    const config = openldapConfig(slapd.url, extra);
    const directory = createDirectory(config, ROOT_PW);
    return { agent: createAgent({ edge: edge.url, token: edge.agentToken, config, directory, log: () => {} }), directory };
  };
  let cursor: string | undefined;

  it(`imports ${TOTAL} entries with paged searches and correlates them`, async () => {
    const { agent, directory } = agentFor();
    const started = performance.now();
    const pushed = await agent.importOnce('full');
    const totalMs = performance.now() - started;
    await directory.close();
    console.log(`import of ${pushed.entries} entries: read ${Math.round(pushed.readMs)} ms (paged), read+push+correlate ${Math.round(totalMs)} ms (${Math.round((pushed.entries / totalMs) * 1000)} entries/s)`);
    expect(pushed.entries).toBe(TOTAL);
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { unlinked: 5, unmatched: TOTAL - 5, linked: 0, deleted: 0, disputed: 0 }, linked: 5, deprovisioned: [] });
    expect(pushed.cursor).toMatch(/^\d{14}Z$/);
    cursor = pushed.cursor;
  }, 120_000);

  it('an incremental read returns only changed entries, and a user disabled there is deactivated in Roster', async () => {
    await root.modify(`uid=${uid(2)},${PEOPLE}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) })]);
    const { agent, directory } = agentFor();
    const pushed = await agent.importOnce('incremental', cursor);
    await directory.close();
    expect(pushed.entries).toBeLessThan(TOTAL);
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { deleted: 0 }, deprovisioned: ['user-2'] });
    expect((await getIdentity(edge.db, 'user-2'))?.status).toBe('DEPROVISIONED');
    expect((await getIdentity(edge.db, 'user-1'))?.status).toBe('ACTIVE');
  }, 60_000);

  it('an empty read and a failed read deactivate nobody', async () => {
    await root.del(`uid=${uid(3)},${PEOPLE}`);
    const empty = agentFor({ users: { ...openldapConfig(slapd.url).users, base: `ou=Empty,ou=people,${BASE}` } });
    const fromEmpty = await empty.agent.importOnce('full');
    await empty.directory.close();
    expect(fromEmpty.summary).toMatchObject({ health: 'empty', deprovisioned: [] });
    await slapd.stop();
    const down = agentFor();
    const fromDown = await down.agent.importOnce('full');
    await down.directory.close();
    await slapd.start();
    expect(fromDown.summary).toMatchObject({ health: 'failed', deprovisioned: [] });
    expect((await getIdentity(edge.db, 'user-3'))?.status).toBe('ACTIVE');
    await root.unbind().catch(() => undefined);
    root = new Client({ url: slapd.url });
    await root.bind(ROOT_DN, ROOT_PW);
  }, 60_000);

  it('a full read without a linked entry marks it deleted and deactivates the user', async () => {
    const { agent, directory } = agentFor();
    const pushed = await agent.importOnce('full');
    await directory.close();
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { deleted: 1 }, deprovisioned: ['user-3'] });
    expect((await getIdentity(edge.db, 'user-3'))?.status).toBe('DEPROVISIONED');
    expect((await getIdentity(edge.db, 'user-4'))?.status).toBe('ACTIVE');
  }, 120_000);

  it('a non-source directory only correlates', async () => {
    await saveApp(edge.db, { id: 'corp-ldap', name: 'Corporate directory', connector: 'ldap', config: { autoConfirm: true, match: [{ user: 'email', app: 'mail' }] } }, ctx);
    await root.modify(`uid=${uid(4)},${PEOPLE}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) })]);
    const { agent, directory } = agentFor();
    const pushed = await agent.importOnce('full');
    await directory.close();
    expect(pushed.summary).toMatchObject({ health: 'ok', deprovisioned: [] });
    expect((await getIdentity(edge.db, 'user-4'))?.status).toBe('ACTIVE');
  }, 120_000);
});

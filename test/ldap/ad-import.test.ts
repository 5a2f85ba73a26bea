// AD as a source, against a real slapd serving AD-shaped entries (msuser.schema): incremental
// import by `uSNChanged`, with the cursor kept by the edge so a restarted agent resumes from it.
// slapd does not maintain uSNChanged and the shipped msuser.schema gives it no ordering rule
// (real AD has both): the suite's slapd loads a copy where uSNChanged is an ordered integer
// (slapd.ts, msuserSchemaWithUsnOrdering), and this suite writes uSNCreated/uSNChanged from one
// growing counter on every add and change, the way a domain controller numbers its changes. The
// counter crosses 999 → 1000 so a cursor compared as text instead of as a number would fail.
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent/agent.ts';
import { agentConfigSchema } from '../../edge/agent/config.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { readDirectory } from '../../edge/agent/read.ts';
import { getCursor } from '../../edge/agent/server/cursor.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createIdentity, getIdentity } from '../../edge/db/repos/identities.ts';
import type { Edge } from './edge.ts';
import { ctx, startEdge, waitFor } from './edge.ts';
import { adConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();
const PEOPLE = `ou=people,${BASE}`;
const name = (i: number) => `ad${String(i).padStart(2, '0')}`;
const dn = (i: number) => `cn=${name(i)},${PEOPLE}`;

describe.skipIf(!run)('AD incremental import by uSNChanged, resumed from the cursor the edge keeps', () => {
  let slapd: Slapd;
  let edge: Edge;
  let root: Client;
  let usn = 979; // the 20 entries get 980…999; the first change is 1000
  /** Changes an entry as AD would record it: the change gets the next update sequence number. */
  const change = async (i: number, type: string, value: string) => {
    usn += 1;
    await root.modify(dn(i), [
      new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
      new Change({ operation: 'replace', modification: new Attribute({ type: 'uSNChanged', values: [String(usn)] }) }),
    ]);
  };
  const config = () => adConfig(slapd.url);

  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url, ['people', 'groups']);
    edge = await startEdge();
    await saveApp(edge.db, { id: 'corp-ad', name: 'Active Directory', connector: 'ldap', config: { source: true, autoConfirm: true, match: [{ user: 'email', app: 'email' }] } }, ctx);
    root = new Client({ url: slapd.url });
    await root.bind(ROOT_DN, ROOT_PW);
    for (let i = 0; i < 20; i++) {
      usn += 1;
      await root.add(dn(i), {
        objectClass: ['top', 'person', 'organizationalPerson', 'user'],
        cn: name(i),
        sn: name(i),
        mail: `${name(i)}@example.com`,
        userPrincipalName: `${name(i)}@example.com`,
        userAccountControl: '512',
        instanceType: '4',
        objectCategory: `cn=Person,cn=Schema,cn=Configuration,${BASE}`,
        nTSecurityDescriptor: 'x',
        uSNCreated: String(usn),
        uSNChanged: String(usn),
      });
      await createIdentity(edge.db, { id: `user-${name(i)}`, login: `${name(i)}@example.com`, email: `${name(i)}@example.com`, status: 'ACTIVE', profile: {} }, ctx);
    }
  }, 60_000);
  afterAll(async () => {
    await root?.unbind().catch(() => undefined);
    await edge?.close();
    await slapd?.destroy();
  });

  const agentFor = (extra: Record<string, unknown> = {}, logs: Record<string, unknown>[] = [], signal?: AbortSignal) => {
    const parsed = agentConfigSchema.parse({ ...config(), ...extra });
    const directory = createDirectory(parsed, ROOT_PW);
    return { agent: createAgent({ edge: edge.url, token: edge.agentToken, config: parsed, directory, waitSeconds: 1, log: (l) => logs.push(l), ...(signal ? { signal } : {}) }), directory };
  };

  it('a full import reads every entry and the edge keeps the highest uSNChanged as the cursor', async () => {
    const { agent, directory } = agentFor();
    const pushed = await agent.importOnce('full');
    await directory.close();
    expect(pushed.entries).toBe(20);
    expect(pushed.cursor).toBe('999');
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { unlinked: 20 }, linked: 20, cursor: '999', deprovisioned: [] });
    expect((await getCursor(edge.db, 'corp-ad'))?.cursor).toBe('999');
  });

  it('an incremental import reads only the entries changed after the cursor, and the cursor advances to the highest seen', async () => {
    await change(3, 'displayName', 'Three Renamed'); // 1000
    await change(7, 'userAccountControl', '514'); // 1001: disabled in AD
    await change(11, 'sn', 'Eleven'); // 1002
    // What the agent reads from 999 on: exactly the three changed entries (`>= 1000`, numerically).
    const directory = createDirectory(config(), ROOT_PW);
    const read = await readDirectory(directory, 'incremental', '999');
    await directory.close();
    expect(read.accounts.map((a) => a.externalId).sort()).toEqual([dn(3), dn(7), dn(11)].sort());
    expect(read.cursor).toBe('1002');

    const { agent, directory: d2 } = agentFor();
    const pushed = await agent.importOnce('incremental'); // no `since`: from the edge's cursor
    await d2.close();
    expect(pushed).toMatchObject({ since: '999', entries: 3, cursor: '1002' });
    expect(pushed.summary).toMatchObject({ health: 'ok', counts: { deleted: 0 }, deprovisioned: ['user-ad07'], cursor: '1002' });
    expect((await getIdentity(edge.db, 'user-ad07'))?.status).toBe('DEPROVISIONED');
    expect((await getIdentity(edge.db, 'user-ad03'))?.status).toBe('ACTIVE');
    expect((await getCursor(edge.db, 'corp-ad'))?.cursor).toBe('1002');

    // Nothing changed since: nothing read, the cursor stays.
    const { agent: again, directory: d3 } = agentFor();
    const quiet = await again.importOnce('incremental');
    await d3.close();
    expect(quiet).toMatchObject({ since: '1002', entries: 0, cursor: '1002' });
  });

  it('a failed read does not move the cursor', async () => {
    await slapd.stop();
    const { agent, directory } = agentFor();
    const pushed = await agent.importOnce('incremental');
    await directory.close();
    await slapd.start();
    expect(pushed.summary).toMatchObject({ health: 'failed', deprovisioned: [] });
    expect((await getCursor(edge.db, 'corp-ad'))?.cursor).toBe('1002');
    await root.unbind().catch(() => undefined);
    root = new Client({ url: slapd.url });
    await root.bind(ROOT_DN, ROOT_PW);
  });

  it('an agent restarted (a new process, or a new host) resumes its scheduled imports from the cursor the edge kept', async () => {
    const first: Record<string, unknown>[] = [];
    const stopFirst = new AbortController();
    const a = agentFor({ import: { everySeconds: 60 } }, first, stopFirst.signal);
    const running = a.agent.run();
    await waitFor(async () => first.some((l) => l.msg === 'import'), 15_000);
    stopFirst.abort();
    await running;
    expect(first.find((l) => l.msg === 'import resumes from the edge cursor')).toMatchObject({ cursor: '1002' });
    expect(first.find((l) => l.msg === 'import')).toMatchObject({ mode: 'incremental', since: '1002', entries: 0, cursor: '1002', health: 'ok' });

    await change(15, 'displayName', 'Fifteen'); // 1003, while no agent runs
    await change(16, 'displayName', 'Sixteen'); // 1004
    const second: Record<string, unknown>[] = [];
    const stopSecond = new AbortController();
    const b = agentFor({ import: { everySeconds: 60 } }, second, stopSecond.signal);
    const again = b.agent.run();
    await waitFor(async () => second.some((l) => l.msg === 'import'), 15_000);
    stopSecond.abort();
    await again;
    expect(second.find((l) => l.msg === 'import')).toMatchObject({ mode: 'incremental', since: '1002', entries: 2, cursor: '1004', health: 'ok' });
    expect((await getCursor(edge.db, 'corp-ad'))?.cursor).toBe('1004');
  }, 60_000);

  it('an agent whose edge keeps no cursor yet starts with a full import', async () => {
    await saveApp(edge.db, { id: 'corp-ad-2', name: 'Second forest', connector: 'ldap', config: { autoConfirm: true, match: [{ user: 'email', app: 'email' }] } }, ctx);
    const logs: Record<string, unknown>[] = [];
    const stop = new AbortController();
    const { agent } = agentFor({ app: 'corp-ad-2', import: { everySeconds: 60 } }, logs, stop.signal);
    const running = agent.run();
    await waitFor(async () => logs.some((l) => l.msg === 'import'), 15_000);
    stop.abort();
    await running;
    expect(logs.find((l) => l.msg === 'import')).toMatchObject({ mode: 'full', since: null, entries: 20, cursor: '1004' });
    expect((await getCursor(edge.db, 'corp-ad-2'))?.cursor).toBe('1004');
  }, 30_000);
});

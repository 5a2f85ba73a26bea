// Delegated login across two edge processes over one database, against a real slapd: the login
// is asked at one edge while the agent polls the other, so the only thing they share is the
// `delegated_logins` table (as on Workers, where the request and the agent's poll may land in
// different isolates). The password waits there sealed and the row is gone afterwards; a wrong
// password and an unknown user get the same answer.
import { sql } from 'drizzle-orm';
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../edge/agent/agent.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { getIdentityByLogin } from '../../edge/db/repos/identities.ts';
import { delegatedLogins } from '../../edge/db/schema.ts';
import type { Edge } from './edge.ts';
import { startEdge, waitFor } from './edge.ts';
import { openldapConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();
const PASSWORD = 'Fay-pass-77';

describe.skipIf(!run)('delegated login asked at one edge, answered through an agent polling another', () => {
  let slapd: Slapd;
  let edge: Edge;
  let twin: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url);
    edge = await startEdge();
    twin = await edge.twin();
    const c = new Client({ url: slapd.url });
    await c.bind(ROOT_DN, ROOT_PW);
    await c.add(`cn=Fay Twin,ou=Sales,ou=people,${BASE}`, { objectClass: ['inetOrgPerson'], cn: 'Fay Twin', sn: 'Twin', uid: 'fay', mail: 'fay@example.com', ou: 'Sales', userPassword: PASSWORD });
    await c.unbind();
  }, 30_000);
  afterAll(async () => {
    await twin?.close();
    await edge?.close();
    await slapd?.destroy();
  });

  const login = (username: string, password: string) =>
    fetch(`${edge.url}/v1/login/delegated`, { method: 'POST', headers: { authorization: `Bearer ${edge.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ app: 'corp-ldap', username, password }) }).then(async (r) => ({ status: r.status, body: await r.text() }));
  const startAgent = () => {
    const controller = new AbortController();
    const config = openldapConfig(slapd.url);
    const agent = createAgent({ edge: twin.url, token: edge.agentToken, config, directory: createDirectory(config, ROOT_PW), waitSeconds: 1, signal: controller.signal, log: () => {} });
    const running = agent.run();
    return async () => (controller.abort(), await running);
  };
  const rows = () => edge.db.select().from(delegatedLogins);

  it('the pending login waits in the database with its password sealed; the other edge hands it to the agent', async () => {
    const asked = login('fay', PASSWORD);
    await waitFor(async () => (await rows()).length === 1, 5000, 20);
    const [waiting] = await rows();
    expect(waiting).toMatchObject({ appId: 'corp-ldap', username: 'fay', status: 'pending' });
    expect(waiting?.sealedPassword).toMatch(/^v1\./);
    expect(JSON.stringify(waiting)).not.toContain(PASSWORD);
    const raw = await edge.db.all<Record<string, unknown>>(sql`SELECT * FROM delegated_logins`);
    expect(JSON.stringify(raw)).not.toContain(PASSWORD);

    const stop = startAgent();
    const answered = await asked;
    await stop();
    expect(answered.status, answered.body).toBe(200);
    expect(JSON.parse(answered.body)).toMatchObject({ login: 'fay', created: true });
    expect(await getIdentityByLogin(edge.db, 'fay')).toMatchObject({ email: 'fay@example.com', profile: { ou: 'Sales', cn: 'Fay Twin' } });
    expect(await rows()).toEqual([]);
  }, 30_000);

  it('a wrong password and an unknown user get the same 401 through the other edge, and leave no row', async () => {
    const stop = startAgent();
    const wrong = await login('fay', 'not-it');
    const unknown = await login('nobody', 'not-it');
    await stop();
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    expect(await getIdentityByLogin(edge.db, 'nobody')).toBeUndefined();
    expect(await rows()).toEqual([]);
  }, 30_000);
});

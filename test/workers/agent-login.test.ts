// Delegated login on Workers: the asking request and the agent's poll are separate requests
// (in production often separate isolates), so the pending login lives in D1, not in memory.
// The request waits while the test, as the agent, pulls the login with another request and
// answers it with a third; D1 holds the password sealed until the pull clears it, and nothing
// once the asker has its answer.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../edge/auth/tokens.ts';
import { openD1 } from '../../edge/db/d1.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';

const at = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };
const PASSWORD = 'Ann-pass-1';

interface Row {
  id: string;
  app_id: string;
  username: string;
  sealed_password: string | null;
  status: string;
}
const rows = async () => (await env.DB.prepare('SELECT id, app_id, username, sealed_password, status FROM delegated_logins').all<Row>()).results;

describe('workers: delegated login through D1', () => {
  it('stores the pending login in D1 (sealed), hands it to the agent poll, and answers the asker from D1', async () => {
    expect((await SELF.fetch('https://roster.test/health')).status).toBe(200); // migrates D1
    const db = openD1(env.DB);
    const admin = (await createToken(db, { scope: 'admin', name: 'admin' }, at)).token;
    const agent = (await createToken(db, { scope: 'agent', name: 'agent' }, at)).token;
    await saveApp(db, { id: 'corp-ldap', name: 'Directory', connector: 'ldap', config: {} }, at);

    const asked = SELF.fetch('https://roster.test/v1/login/delegated', { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ app: 'corp-ldap', username: 'ann', password: PASSWORD }) });
    let waiting: Row[] = [];
    for (let i = 0; i < 100 && waiting.length === 0; i++) {
      waiting = await rows();
      if (waiting.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(waiting).toEqual([expect.objectContaining({ app_id: 'corp-ldap', username: 'ann', status: 'pending', sealed_password: expect.stringMatching(/^v1\./) })]);
    expect(JSON.stringify(waiting)).not.toContain(PASSWORD);

    const pulled = await SELF.fetch('https://roster.test/v1/agent/actions?app=corp-ldap&wait=0', { headers: { authorization: `Bearer ${agent}` } });
    expect(pulled.status).toBe(200);
    const { logins } = (await pulled.json()) as { logins: { id: string; username: string; password: string }[] };
    expect(logins).toEqual([{ id: waiting[0]?.id, username: 'ann', password: PASSWORD }]);
    expect(await rows()).toEqual([expect.objectContaining({ status: 'taken', sealed_password: null })]);

    const answered = await SELF.fetch(`https://roster.test/v1/agent/logins/${logins[0]?.id}?app=corp-ldap`, { method: 'POST', headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' }, body: JSON.stringify({ ok: true, entry: { email: 'ann@example.com', cn: 'Ann Lee' } }) });
    expect(answered.status).toBe(200);
    const response = await asked;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ login: 'ann', created: true, actions: 0 });
    expect(await rows()).toEqual([]);
  });
});

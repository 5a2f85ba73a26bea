// `/v1/tokens`: what an admin does in the console on a deployment the CLI cannot reach (a
// Worker over D1): make a SCIM token, see it listed without its secret, revoke it, and never
// lock the deployment out by revoking its last admin token.
import { expect, it } from 'vitest';
import type { ApiContext, MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';

async function adminTokenId(t: ApiContext, token = t.tokens.admin): Promise<string> {
  return (await t.call('GET', '/v1/session', { token })).body.tokenId;
}

async function activeAdmins(t: ApiContext, token = t.tokens.admin): Promise<string[]> {
  const { body } = await t.call('GET', '/v1/tokens', { token });
  return body.items.filter((i: { scope: string; revokedAt: string | null }) => i.scope === 'admin' && i.revokedAt === null).map((i: { id: string }) => i.id);
}

export function tokenCases(makeRuntime: MakeRuntime): void {
  it('an admin makes a scim token over the API: it works on /scim/v2, is listed without its secret, and stops at revocation', async () => {
    const t = await setup(makeRuntime);
    const created = await t.call('POST', '/v1/tokens', { body: { scope: 'scim', name: 'okta' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'okta', scope: 'scim', sourceId: null, lastUsedAt: null, revokedAt: null });
    const { id, token } = created.body;
    expect(token).toMatch(/^rst_scim_[A-Za-z0-9_-]{43}$/);
    expect((await t.call('GET', '/scim/v2/Users', { token })).status).toBe(200);
    expect((await t.call('GET', '/v1/users', { token })).status).toBe(403);

    const listed = await t.call('GET', '/v1/tokens');
    expect(listed.status).toBe(200);
    const item = listed.body.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ name: 'okta', scope: 'scim', revokedAt: null });
    expect(item.lastUsedAt).toEqual(expect.any(String));
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'scope', 'sourceId']);
    expect(listed.text).not.toContain(token.slice('rst_scim_'.length));
    for (const secret of Object.values(t.tokens)) expect(listed.text).not.toContain(secret.slice(-43));

    const revoked = await t.call('POST', `/v1/tokens/${id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, revokedAt: expect.any(String) });
    const refused = await t.call('GET', '/scim/v2/Users', { token });
    expect(refused.status).toBe(401);
    const again = await t.call('POST', `/v1/tokens/${id}/revoke`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('was revoked');
    expect((await t.call('POST', '/v1/tokens/tok_nope/revoke')).status).toBe(404);
    const after = (await t.call('GET', '/v1/tokens')).body.items.find((i: { id: string }) => i.id === id);
    expect(after.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('binds a scim token to a source, as the CLI does', async () => {
    const t = await setup(makeRuntime);
    const created = await t.call('POST', '/v1/tokens', { body: { scope: 'scim', name: 'workday', sourceId: 'workday' } });
    expect(created.status).toBe(201);
    expect(created.body.sourceId).toBe('workday');
    const listed = (await t.call('GET', '/v1/tokens')).body.items.find((i: { id: string }) => i.id === created.body.id);
    expect(listed.sourceId).toBe('workday');
  });

  it('refuses to revoke the last active admin token, naming why; a replacement made first lets the old one go', async () => {
    const t = await setup(makeRuntime);
    const oldId = await adminTokenId(t);
    const refused = await t.call('POST', `/v1/tokens/${oldId}/revoke`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('last_admin_token');
    expect(refused.body.error.message).toContain(`\`${oldId}\` is the last active admin token`);
    expect((await t.call('GET', '/v1/users')).status).toBe(200);
    const audit = await t.call('GET', '/v1/audit?type=token.revoke');
    expect(audit.body.items).toEqual([]);

    const replacement = await t.call('POST', '/v1/tokens', { body: { scope: 'admin', name: 'ops 2025' } });
    expect(replacement.status).toBe(201);
    // Rotation: the old token revokes itself once the new one exists.
    expect((await t.call('POST', `/v1/tokens/${oldId}/revoke`)).status).toBe(200);
    expect((await t.call('GET', '/v1/users')).status).toBe(401);
    const token = replacement.body.token as string;
    expect(await activeAdmins(t, token)).toEqual([replacement.body.id]);
    const last = await t.call('POST', `/v1/tokens/${replacement.body.id}/revoke`, { token });
    expect(last.status).toBe(409);
    expect((await t.call('GET', '/v1/users', { token })).status).toBe(200);
  });

  it('two admins revoking the last two admin tokens at once: one wins, the other gets 409', async () => {
    const t = await setup(makeRuntime);
    const second = (await t.call('POST', '/v1/tokens', { body: { scope: 'admin', name: 'second' } })).body;
    const firstId = await adminTokenId(t);
    const answers = await Promise.all([
      t.call('POST', `/v1/tokens/${firstId}/revoke`, { token: second.token }),
      t.call('POST', `/v1/tokens/${second.id}/revoke`),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const survivor = answers[0]?.status === 200 ? second.token : t.tokens.admin;
    expect(await activeAdmins(t, survivor)).toHaveLength(1);
    expect((await t.call('GET', '/v1/audit?type=token.revoke', { token: survivor })).body.items).toHaveLength(1);
  });

  it('refuses bad bodies with 400 naming the field, and writes nothing', async () => {
    const t = await setup(makeRuntime);
    const before = await countRows(t.runtime.db);
    const bad: [unknown, string][] = [
      [{}, 'scope'],
      [{ scope: 'root', name: 'x' }, 'scope'],
      [{ scope: 'scim' }, 'name'],
      [{ scope: 'scim', name: '  ' }, 'name'],
      [{ scope: 'scim', name: 'x'.repeat(201) }, 'name'],
      [{ scope: 'read', name: 'grafana', sourceId: 'okta' }, 'sourceId'],
      [{ scope: 'admin', name: 'mine', token: `rst_admin_${'C'.repeat(43)}` }, 'token'],
    ];
    for (const [body, field] of bad) {
      const res = await t.call('POST', '/v1/tokens', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_body');
      expect(JSON.stringify(res.body.error.details), JSON.stringify(body)).toContain(field);
    }
    expect(await countRows(t.runtime.db)).toEqual(before);
  });

  it('read, scim and agent tokens may not list, make or revoke tokens', async () => {
    const t = await setup(makeRuntime);
    const id = await adminTokenId(t);
    for (const scope of ['read', 'scim', 'agent'] as const) {
      const token = t.tokens[scope];
      expect((await t.call('GET', '/v1/tokens', { token })).status, scope).toBe(403);
      expect((await t.call('POST', '/v1/tokens', { token, body: { scope: 'admin', name: 'escalate' } })).status, scope).toBe(403);
      expect((await t.call('POST', `/v1/tokens/${id}/revoke`, { token })).status, scope).toBe(403);
    }
    expect(await activeAdmins(t)).toEqual([id]);
  });

  it('audits making and revoking a token by who did it, and never puts the token in a log line or the audit log', async () => {
    const t = await setup(makeRuntime);
    const adminId = await adminTokenId(t);
    const created = await t.call('POST', '/v1/tokens', { body: { scope: 'agent', name: 'dc1' } });
    const { id, token } = created.body;
    await t.call('GET', '/v1/agent/imports/cursor', { token });
    await t.call('POST', `/v1/tokens/${id}/revoke`);
    await t.call('GET', '/v1/agent/imports/cursor', { token });
    const audit = await t.call('GET', `/v1/audit?subject=${id}`);
    expect(audit.body.items.map((e: { type: string; actor: string; subject: string }) => [e.type, e.actor, e.subject])).toEqual([
      ['token.revoke', `token:${adminId}`, id],
      ['token.create', `token:${adminId}`, id],
    ]);
    expect(audit.body.items[1].data).toEqual({ name: 'dc1', scope: 'agent', sourceId: null });
    const everything = [...t.logs, audit.text, (await t.call('GET', '/v1/tokens')).text].join('\n');
    expect(t.logs.length).toBeGreaterThan(4);
    expect(everything).not.toContain(token.slice('rst_agent_'.length));
  });
}

// Passwords: every violation returned, stored only as a scrypt hash with history, synced as
// sealed password.set actions; the password appears in no response, log line, audit row or action.
import { expect, it } from 'vitest';
import { getIdentity } from '../../../edge/db/repos/identities.ts';
import { recordAccounts } from '../../../edge/db/repos/accounts.ts';
import { getAction } from '../../../edge/db/repos/outbox.ts';
import { unseal } from '../../../edge/services/passwords.ts';
import type { MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';
import { RULES, engineer } from '../fixtures.ts';
import { seed } from './runs.ts';

const GOOD = 'Correct-horse-42!';
const NEXT = 'Battery-staple-77?';

export function passwordCases(makeRuntime: MakeRuntime): void {
  it('returns every violation of the policy for the user and stores nothing', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    const res = await t.call('POST', '/v1/users/u1/password', { body: { password: 'first1' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_password');
    expect(res.body.error.details.policy).toBe('strong');
    const codes = res.body.error.details.violations.map((v: { code: string }) => v.code);
    expect(codes).toEqual(['password.too-short', 'password.missing-symbol', 'password.contains-user-part']);
    expect((await getIdentity(t.runtime.db, 'u1'))?.passwordHash).toBeNull();
  });

  it('resets and changes a password, keeping only scrypt hashes and refusing reuse', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    // Before any password is set there is none to prove: it says so, not that the given one is wrong.
    const none = await t.call('POST', '/v1/users/u1/password/change', { body: { current: GOOD, new: NEXT } });
    expect(none.status).toBe(422);
    expect(none.body.error.details.violations).toEqual([{ code: 'password.current-missing', message: 'user `u1` has no password yet to change: an admin sets the first one (POST /v1/users/{id}/password)' }]);
    const reset = await t.call('POST', '/v1/users/u1/password', { body: { password: GOOD } });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ policy: 'strong', user: { version: 2 } });
    const stored = await getIdentity(t.runtime.db, 'u1');
    expect(stored?.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=\d+,p=\d+\$/);
    expect(await t.runtime.verifyPassword(GOOD, stored?.passwordHash ?? '')).toBe(true);

    const wrong = await t.call('POST', '/v1/users/u1/password/change', { body: { current: 'Not-the-one-1!', new: NEXT } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.violations[0].code).toBe('password.current-mismatch');
    const reuse = await t.call('POST', '/v1/users/u1/password/change', { body: { current: GOOD, new: GOOD } });
    expect(reuse.status).toBe(422);
    expect(reuse.body.error.details.violations.map((v: { code: string }) => v.code)).toContain('password.reused');
    const changed = await t.call('POST', '/v1/users/u1/password/change', { body: { current: GOOD, new: NEXT } });
    expect(changed.status).toBe(200);
    const after = await getIdentity(t.runtime.db, 'u1');
    expect(after?.passwordHistory).toEqual([stored?.passwordHash]);
    const back = await t.call('POST', '/v1/users/u1/password', { body: { password: GOOD } });
    expect(back.body.error.details.violations.map((v: { code: string }) => v.code)).toEqual(['password.reused']);

    const everything = [...t.logs, reset.text, changed.text, wrong.text, reuse.text, (await t.call('GET', '/v1/audit')).text, (await t.call('GET', '/v1/users/u1')).text].join('\n');
    for (const secret of [GOOD, NEXT, stored?.passwordHash ?? '$scrypt']) expect(everything).not.toContain(secret);
  });

  it('syncs a sealed password.set to apps with password sync where the user has an account', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    await recordAccounts(t.runtime.db, [{ userId: 'u1', appId: 'github', status: 'active' }, { userId: 'u1', appId: 'wiki', status: 'active' }], { at: t.runtime.now(), actor: 'test' });
    const res = await t.call('POST', '/v1/users/u1/password', { body: { password: GOOD } });
    expect(res.body.synced.map((s: { appId: string }) => s.appId)).toEqual(['github']);
    const action = await getAction(t.runtime.db, res.body.synced[0].actionId);
    expect(action).toMatchObject({ type: 'password.set', appId: 'github', userId: 'u1', status: 'pending', runId: res.body.runId });
    const sealed = (action?.payload.attributes?.password as { sealed: string }).sealed;
    expect(JSON.stringify(action?.payload)).not.toContain(GOOD);
    expect(await unseal(t.runtime.sealKey, sealed, 'u1:github')).toBe(GOOD);
    expect(await unseal(t.runtime.sealKey, sealed, 'u2:github')).toBeUndefined();
    const listed = await t.call('GET', '/v1/outbox?type=password.set');
    expect(listed.body.items[0].action.attributes.password).toBe('(sealed)');
    expect(listed.text).not.toContain(sealed);
  });

  it("refuses a deprovisioned user's password (no password.set reaches a leaver's apps) and a suspended user's own change, writing nothing", async () => {
    const t = await setup(makeRuntime);
    await seed(t, 2, 0);
    await recordAccounts(t.runtime.db, [{ userId: 'u1', appId: 'github', status: 'active' }], { at: t.runtime.now(), actor: 'test' });
    expect((await t.call('POST', '/v1/users/u1/password', { body: { password: GOOD } })).status).toBe(200);
    expect((await t.call('POST', '/v1/users/u1/lifecycle/deactivate')).status).toBe(200);
    // The deactivation waits in the outbox: the account is still active in the app.
    const before = await countRows(t.runtime.db);
    const reset = await t.call('POST', '/v1/users/u1/password', { body: { password: NEXT } });
    expect(reset.status).toBe(409);
    expect(reset.body.error).toEqual({ code: 'invalid_state', message: 'cannot reset the password of a user who is `DEPROVISIONED` (needs `STAGED` or `PROVISIONED` or `ACTIVE` or `SUSPENDED`)' });
    const change = await t.call('POST', '/v1/users/u1/password/change', { body: { current: GOOD, new: NEXT } });
    expect(change.status).toBe(409);
    expect(change.body.error.message).toBe('cannot change the password of a user who is `DEPROVISIONED` (needs `STAGED` or `ACTIVE`)');
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/outbox?type=password.set&status=pending')).body.items).toHaveLength(1);

    // Suspended: an admin may reset it, the user cannot change it.
    expect((await t.call('POST', '/v1/users/u2/password', { body: { password: GOOD } })).status).toBe(200);
    expect((await t.call('POST', '/v1/users/u2/lifecycle/suspend')).status).toBe(200);
    expect((await t.call('POST', '/v1/users/u2/password/change', { body: { current: GOOD, new: NEXT } })).body.error.code).toBe('invalid_state');
    expect((await t.call('POST', '/v1/users/u2/password', { body: { password: NEXT } })).status).toBe(200);
  });

  it('refuses any of the last `historyCount` passwords, however long the history the policy asks for', async () => {
    const t = await setup(makeRuntime);
    const files = RULES.map((f) => (f.path === 'passwords.yaml' ? { path: f.path, text: 'kind: password-policy\nid: long-memory\nminLength: 12\nhistoryCount: 30\n' } : f));
    expect((await t.call('POST', '/v1/rule-sets', { body: { files, activate: true } })).status).toBe(201);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    const password = (n: number) => `Long-memory-${n}-pass`;
    for (let n = 1; n <= 27; n++) expect((await t.call('POST', '/v1/users/u1/password', { body: { password: password(n) } })).status).toBe(200);
    // The first is the 27th most recent: within the last 30, so still refused.
    const reused = await t.call('POST', '/v1/users/u1/password', { body: { password: password(1) } });
    expect(reused.status).toBe(422);
    expect(reused.body.error.details).toMatchObject({ policy: 'long-memory', violations: [{ code: 'password.reused' }] });
  });

  it('uses the default policy when no rule set is active', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: { id: 'x', login: 'xavier' } });
    const res = await t.call('POST', '/v1/users/x/password', { body: { password: 'password' } });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toMatchObject({ policy: null });
    expect(res.body.error.details.violations.map((v: { code: string }) => v.code)).toEqual(['password.too-short', 'password.common']);
    expect((await t.call('POST', '/v1/users/x/password', { body: { password: GOOD } })).status).toBe(200);
  });
}

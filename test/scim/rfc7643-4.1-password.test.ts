// RFC 7643 §4.1.1 `password` (writeOnly, returned never) and RFC 7644 §5 changePassword: an IdP
// that syncs passwords (Okta's "Sync Password") sets one on create, replace or modify. It is
// checked against the user's policy like an admin reset, stored only as a scrypt hash, and reaches
// apps with password sync as sealed `password.set` actions, in the same batch as the user.
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAccounts } from '../../edge/db/repos/accounts.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { unseal } from '../../edge/services/passwords.ts';
import type { Scim } from './harness.ts';
import { PATCH_OP, USER, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

const STRONG = 'Correct-Horse-42-battery';
const NEXT = 'Staple-Lamp-97-orbit!';

async function stored(id: string) {
  const [row] = await s.db.all<{ password_hash: string | null; password_changed_at: string | null; password_history: string; version: number }>(
    sql`SELECT password_hash, password_changed_at, password_history, version FROM identities WHERE id = ${id}`,
  );
  return row;
}

describe('RFC 7643 §4.1.1 password over SCIM', () => {
  it('a password on create is checked against the policy: every violation named, nothing written, the password never echoed', async () => {
    const audit = await s.rows('audit_events');
    const res = await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'weak', password: 'weak1' } });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
    expect(res.body.detail).toContain('policy `default`');
    expect(res.body.detail).toMatch(/password .*12/);
    expect(res.text).not.toContain('weak1');
    expect(await s.rows('identities')).toBe(0);
    expect(await s.rows('audit_events')).toBe(audit);
  });

  it('an accepted password is stored only as a scrypt hash, never returned, and verifies', async () => {
    const res = await s.call('POST', '/Users', { body: { schemas: [USER], userName: 'ada', password: STRONG } });
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('password');
    expect(res.text).not.toContain(STRONG);
    const row = await stored(res.body.id);
    expect(row?.password_hash).toMatch(/^\$scrypt\$/);
    expect(await s.runtime.verifyPassword(STRONG, row?.password_hash as string)).toBe(true);
    const asked = await s.call('GET', `/Users/${res.body.id}?attributes=password,userName`);
    expect(asked.body).not.toHaveProperty('password');
    const [event] = await s.db.all<{ data: string }>(sql`SELECT data FROM audit_events WHERE type = 'identity.password.reset'`);
    expect(JSON.parse(event?.data ?? '{}')).toMatchObject({ via: 'scim', policy: null });
    const all = await s.db.all<{ data: string }>(sql`SELECT data FROM audit_events`);
    expect(JSON.stringify(all)).not.toContain(STRONG);
  });

  it('PATCH sets a new password (the old hash joins the history); the same password sent again changes nothing', async () => {
    const user = await s.createUser('grace', { password: STRONG });
    const first = await stored(user.id);
    const replace = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: NEXT }] };
    expect((await s.call('PATCH', `/Users/${user.id}`, { body: replace })).status).toBe(200);
    const second = await stored(user.id);
    expect(second?.password_hash).not.toBe(first?.password_hash);
    expect(await s.runtime.verifyPassword(NEXT, second?.password_hash as string)).toBe(true);
    expect(JSON.parse(second?.password_history ?? '[]')).toEqual([first?.password_hash]);
    // Okta resends the password it holds: nothing is written (same hash, change time and version).
    expect((await s.call('PATCH', `/Users/${user.id}`, { body: replace })).status).toBe(200);
    expect(await stored(user.id)).toEqual(second);
    // Resent beside a real change: the change is written, the password left as it is.
    const rename = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: NEXT }, { op: 'replace', path: 'displayName', value: 'Grace H' }] };
    expect((await s.call('PATCH', `/Users/${user.id}`, { body: rename })).status).toBe(200);
    const renamed = await stored(user.id);
    expect(renamed).toMatchObject({ password_hash: second?.password_hash, password_changed_at: second?.password_changed_at, version: (second?.version ?? 0) + 1 });
    // A weak one is refused on PUT too, and leaves the stored user as it was.
    const put = await s.call('PUT', `/Users/${user.id}`, { body: { schemas: [USER], userName: 'grace', password: 'grace' } });
    expect(put.status).toBe(400);
    expect(put.body.detail).toContain('password');
    expect(await stored(user.id)).toEqual(renamed);
  });

  it("a policy of the active rule set applies, and apps with password sync get the password sealed, in the user's batch", async () => {
    const rules = [
      { path: 'apps.yaml', text: 'kind: app\nid: github\nconnector: scim\npasswordSync: true\n---\nkind: app\nid: wiki\nconnector: scim\n' },
      { path: 'passwords.yaml', text: 'kind: password-policy\nid: strict\nminLength: 20\n' },
    ];
    await saveRuleSet(s.db, { version: 'v1', files: rules, source: 'test' }, { at: s.runtime.now(), actor: 'test' }, { activate: true });
    const user = await s.createUser('linus');
    await recordAccounts(s.db, [{ userId: user.id, appId: 'github', status: 'active' }, { userId: user.id, appId: 'wiki', status: 'active' }], { at: s.runtime.now(), actor: 'test' });
    const tooShort = await s.call('PATCH', `/Users/${user.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'password', value: 'Short-Pass-42-ok' }] } });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.detail).toContain('policy `strict`');
    const long = 'a-Much-Longer-Pass-Phrase-7';
    expect((await s.call('PATCH', `/Users/${user.id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'password', value: long }] } })).status).toBe(200);
    const actions = await s.db.all<{ type: string; app_id: string; payload: string; run_id: string }>(sql`SELECT type, app_id, payload, run_id FROM outbox WHERE type = 'password.set'`);
    expect(actions.map((a) => a.app_id)).toEqual(['github']);
    expect(actions[0]?.payload).not.toContain(long);
    const sealed = (JSON.parse(actions[0]?.payload ?? '{}') as { attributes: { password: { sealed: string } } }).attributes.password.sealed;
    expect(await unseal(s.runtime.sealKey, sealed, `${user.id}:github`)).toBe(long);
    const [run] = await s.db.all<{ kind: string; summary: string }>(sql`SELECT kind, summary FROM runs WHERE id = ${actions[0]?.run_id ?? ''}`);
    expect(run?.kind).toBe('lifecycle');
    expect(JSON.parse(run?.summary ?? '{}')).toMatchObject({ operation: 'password.reset', queued: 1 });
  });
});

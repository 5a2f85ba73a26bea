// Write-back against a real slapd: every action applied by the agent's handlers, then read back
// with searches (what `ldapsearch` would show), re-delivered to prove it changes nothing twice.
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWork } from '../../edge/agent/apply.ts';
import type { Directory } from '../../edge/agent/directory.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import type { AgentResult } from '../../edge/agent/wire.ts';
import type { AccountLink } from '../../edge/connectors/types.ts';
import { action, adConfig, ann, openldapConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();

describe.skipIf(!run)('LDAP write-back against slapd', () => {
  let slapd: Slapd;
  let dir: Directory;
  let reader: Client;
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url);
    dir = createDirectory(openldapConfig(slapd.url), ROOT_PW);
    reader = new Client({ url: slapd.url });
    await reader.bind(ROOT_DN, ROOT_PW);
  }, 30_000);
  afterAll(async () => {
    await reader?.unbind().catch(() => undefined);
    await dir?.close();
    await slapd?.destroy();
  });

  const find = async (filter: string) => (await reader.search(BASE, { filter, attributes: ['*'] })).searchEntries;
  const apply = (a: ReturnType<typeof action>, link?: AccountLink, password?: string) => applyWork(dir, { id: a.id, attempts: 1, action: a, ...(link ? { link } : {}), ...(password ? { password } : {}) }) as Promise<AgentResult>;
  let link: AccountLink;

  it('creates an entry from the DN template, and a re-delivery finds it instead of adding twice', async () => {
    const create = action('account.create', { attributes: ann });
    const first = await apply(create);
    expect(first).toMatchObject({ ok: true, effect: 'applied', account: { externalId: `cn=Ann Lee,ou=Engineering,ou=people,${BASE}`, status: 'active' } });
    const again = await apply(create);
    expect(again).toMatchObject({ ok: true, effect: 'already' });
    const entries = await find('(uid=ann)');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ dn: `cn=Ann Lee,ou=Engineering,ou=people,${BASE}`, mail: 'ann@example.com', sn: 'Lee' });
    link = { externalId: entries[0]?.dn as string, attributes: ann };
  });

  it('resolves a name collision by numbering the cn', async () => {
    const other = { ...ann, uid: 'ann.lee2', mail: 'ann.lee2@example.com' };
    const result = await apply(action('account.create', { userId: 'u2', attributes: other }));
    expect(result).toMatchObject({ ok: true, effect: 'applied', account: { externalId: `cn=Ann Lee 2,ou=Engineering,ou=people,${BASE}` } });
    expect((await find('(uid=ann.lee2)'))[0]).toMatchObject({ cn: 'Ann Lee 2' });
  });

  it('modifies only the attributes that differ', async () => {
    const result = await apply(action('account.update', { changes: { mail: { from: 'ann@example.com', to: 'ann.lee@example.com' }, sn: { from: 'Lee', to: 'Lee' } } }), link);
    expect(result).toMatchObject({ ok: true, effect: 'applied', note: 'changed mail' });
    expect((await find('(uid=ann)'))[0]).toMatchObject({ mail: 'ann.lee@example.com', sn: 'Lee' });
    expect(await apply(action('account.update', { changes: { mail: { from: 'x', to: 'ann.lee@example.com' } } }), link)).toMatchObject({ ok: true, effect: 'already' });
  });

  it('moves the entry with modifyDN when the OU changes', async () => {
    const result = await apply(action('account.update', { changes: { ou: { from: 'Engineering', to: 'Sales' } } }), link);
    expect(result).toMatchObject({ ok: true, effect: 'applied', account: { externalId: `cn=Ann Lee,ou=Sales,ou=people,${BASE}` } });
    const [entry] = await find('(uid=ann)');
    expect(entry).toMatchObject({ dn: `cn=Ann Lee,ou=Sales,ou=people,${BASE}`, ou: 'Sales' });
    link = { ...link, externalId: entry?.dn as string };
  });

  it('disables and re-enables with the configured attribute', async () => {
    expect(await apply(action('account.suspend'), link)).toMatchObject({ ok: true, account: { status: 'suspended' } });
    expect((await find('(uid=ann)'))[0]).toMatchObject({ employeeType: 'disabled' });
    expect(await apply(action('account.suspend'), link)).toMatchObject({ ok: true, effect: 'already' });
    expect(await apply(action('account.reactivate'), link)).toMatchObject({ ok: true, account: { status: 'active' } });
    expect((await find('(uid=ann)'))[0]?.employeeType).toBeUndefined();
  });

  it('sets a password the user can then bind with', async () => {
    expect(await apply(action('password.set'), link, 'N3w-pass!')).toMatchObject({ ok: true });
    const [entry] = await find('(uid=ann)');
    expect(String(entry?.userPassword)).toMatch(/^\{SSHA\}/);
    const asUser = new Client({ url: slapd.url });
    await expect(asUser.bind(link.externalId as string, 'N3w-pass!')).resolves.toBeUndefined();
    await asUser.unbind();
    expect(await dir.verifyBind(link.externalId as string, 'wrong')).toBe(false);
  });

  it('creates groups and adds and removes members', async () => {
    const group = { groupId: 'engineering', attributes: { name: 'engineering' } };
    expect(await apply(action('membership.add', group), link)).toMatchObject({ ok: false, retryable: true });
    expect(await apply(action('group.create', group))).toMatchObject({ ok: true, effect: 'applied' });
    expect(await apply(action('group.create', group))).toMatchObject({ ok: true, effect: 'already' });
    expect(await apply(action('membership.add', group), link)).toMatchObject({ ok: true, effect: 'applied' });
    expect(await apply(action('membership.add', group), link)).toMatchObject({ ok: true, effect: 'already' });
    const [g] = await find('(cn=engineering)');
    expect(g?.member).toBe(link.externalId);
    expect(await apply(action('membership.remove', group), link)).toMatchObject({ ok: true, effect: 'applied' });
    expect((await find('(cn=engineering)'))[0]?.member).toBe('');
  });

  it('reports constraint violations, bad DNs and missing entries with their LDAP code, not retryable', async () => {
    const bad = await apply(action('account.update', { changes: { cn: { from: 'Ann Lee', to: 'X' } } }), { externalId: 'not a dn', attributes: {} });
    expect(bad).toMatchObject({ ok: false, retryable: false, ldapCode: 34 });
    expect(bad.ok === false && bad.error).toMatch(/ldap 34 invalidDNSyntax/);
    const missing = await apply(action('account.suspend'), { externalId: `cn=Nobody,ou=people,${BASE}`, attributes: {} });
    expect(missing).toMatchObject({ ok: false, retryable: false, ldapCode: 32 });
    // displayName is SINGLE-VALUE in inetOrgPerson: two values are a constraintViolation (19).
    const constraint = await apply(action('account.update', { changes: { displayName: { from: null, to: ['A', 'B'] } } }), link);
    expect(constraint).toMatchObject({ ok: false, retryable: false, ldapCode: 19 });
    expect(constraint.ok === false && constraint.error).toMatch(/ldap 19 constraintViolation/);
    // `c` (country) holds exactly two letters.
    const syntax = await apply(action('account.update', { changes: { c: { from: null, to: 'Sweden' } } }), link);
    expect(syntax).toMatchObject({ ok: false, retryable: false, ldapCode: 21 });
  });

  it('deletes, and a second delete is already done', async () => {
    expect(await apply(action('account.delete'), link)).toMatchObject({ ok: true, effect: 'applied', account: { removed: true } });
    expect(await find('(uid=ann)')).toHaveLength(0);
    expect(await apply(action('account.delete'), link)).toMatchObject({ ok: true, effect: 'already' });
  });

  it('writes AD-shaped entries: userAccountControl bit 2 disables, unicodePwd needs TLS', async () => {
    const ad = createDirectory(adConfig(slapd.url), ROOT_PW);
    const applyAd = (a: ReturnType<typeof action>, l?: AccountLink, password?: string) => applyWork(ad, { id: a.id, attempts: 1, action: a, ...(l ? { link: l } : {}), ...(password ? { password } : {}) });
    const created = await applyAd(action('account.create', { attributes: { login: 'bob@example.com', cn: 'Bob Ray', sn: 'Ray', email: 'bob@example.com' } }));
    expect(created).toMatchObject({ ok: true, account: { externalId: `cn=Bob Ray,ou=people,${BASE}` } });
    const l = { externalId: `cn=Bob Ray,ou=people,${BASE}`, attributes: {} };
    expect((await find('(mail=bob@example.com)'))[0]).toMatchObject({ userAccountControl: '512', mail: 'bob@example.com' });
    expect(await applyAd(action('account.deactivate'), l)).toMatchObject({ ok: true, account: { status: 'deactivated' } });
    expect((await find('(mail=bob@example.com)'))[0]).toMatchObject({ userAccountControl: '514' });
    expect(await applyAd(action('account.reactivate'), l)).toMatchObject({ ok: true });
    expect((await find('(mail=bob@example.com)'))[0]).toMatchObject({ userAccountControl: '512' });
    expect(await applyAd(action('password.set'), l, 'Secret1!')).toMatchObject({ ok: false, retryable: false, ldapCode: 53 });
    await ad.close();
  });
});

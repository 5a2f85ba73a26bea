// StartTLS to a real slapd with a self-signed certificate: the agent trusts it through
// `tls.caFile` (here the PEM), refuses it without, and only then sends AD's `unicodePwd`.
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWork } from '../../edge/agent/apply.ts';
import { agentConfigSchema } from '../../edge/agent/config.ts';
import { createDirectory } from '../../edge/agent/directory.ts';
import { unicodePwd } from '../../edge/agent/passwords.ts';
import { readDirectory } from '../../edge/agent/read.ts';
import { action, adConfig } from './fixtures.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();

describe.skipIf(!run)('StartTLS and AD passwords against slapd', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    await seedBase(slapd.url);
  }, 30_000);
  afterAll(async () => slapd?.destroy());

  const tlsConfig = (startTLS: boolean) => {
    const base = adConfig(slapd.url);
    return agentConfigSchema.parse({ ...base, directory: { ...base.directory, tls: { startTLS, rejectUnauthorized: true } } });
  };

  it('refuses a certificate it was not told to trust', async () => {
    const dir = createDirectory(tlsConfig(true), ROOT_PW);
    await expect(dir.probe()).rejects.toThrow(/self.signed|certificate/i);
    await dir.close();
  });

  it('sets unicodePwd as quoted UTF-16LE over StartTLS, and reads AD-shaped entries with their disabled bit', async () => {
    const dir = createDirectory(tlsConfig(true), ROOT_PW, slapd.ca);
    const created = await applyWork(dir, { id: 'c', attempts: 1, action: action('account.create', { attributes: { login: 'cy@example.com', cn: 'Cy Tls', sn: 'Tls', email: 'cy@example.com' } }) });
    expect(created).toMatchObject({ ok: true });
    const link = { externalId: `cn=Cy Tls,ou=people,${BASE}`, attributes: {} };
    expect(await applyWork(dir, { id: 'p', attempts: 1, action: action('password.set'), link, password: 'Pässw0rd!' })).toMatchObject({ ok: true, note: 'password set' });
    const reader = new Client({ url: slapd.url });
    await reader.bind(ROOT_DN, ROOT_PW);
    const [entry] = (await reader.search(link.externalId, { scope: 'base', attributes: ['unicodePwd'], explicitBufferAttributes: ['unicodePwd'] })).searchEntries;
    await reader.unbind();
    expect(Buffer.from(entry?.unicodePwd as Buffer).toString('hex')).toBe(unicodePwd('Pässw0rd!').toString('hex'));
    expect(await applyWork(dir, { id: 'd', attempts: 1, action: action('account.suspend'), link })).toMatchObject({ ok: true });
    const read = await readDirectory(dir, 'full');
    expect(read.accounts.find((a) => a.externalId === link.externalId)).toMatchObject({ active: false, attributes: { email: 'cy@example.com', login: 'cy@example.com', userAccountControl: '514' } });
    await dir.close();
  });
});

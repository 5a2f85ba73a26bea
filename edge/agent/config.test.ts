import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
const base = 'app: corp-ldap\ndirectory:\n  url: ldaps://dc.example.com\n  bindDN: cn=svc,dc=example,dc=com\n';
const users = 'users:\n  base: ou=people,dc=example,dc=com\n';

describe('agent config', () => {
  it('reads the bind secret from an environment variable', () => {
    const file = write('env.yaml', `${base}  secretEnv: LDAP_PW\n${users}`);
    const loaded = loadAgentConfig(file, { LDAP_PW: 's3cret' });
    expect(loaded).toMatchObject({ ok: true, secret: 's3cret', config: { directory: { flavour: 'openldap', tls: { startTLS: false, rejectUnauthorized: true } }, users: { rdn: 'cn={cn}', key: 'uid' } } });
    expect(loadAgentConfig(file, {})).toEqual({ ok: false, error: 'environment variable `LDAP_PW` (the bind secret) is not set' });
  });
  it('reads it from a file beside the config, without the trailing newline', () => {
    write('pw', 'from-file\n');
    expect(loadAgentConfig(write('file.yaml', `${base}  secretFile: pw\n${users}`), {})).toMatchObject({ ok: true, secret: 'from-file' });
  });
  it('refuses a config without a secret or with a bad URL, naming the path', () => {
    expect(loadAgentConfig(write('none.yaml', `${base}${users}`), {})).toMatchObject({ ok: false, error: expect.stringContaining('names no bind secret') });
    const bad = loadAgentConfig(write('bad.yaml', `app: x\ndirectory:\n  url: http://x\n  bindDN: cn=a\n  secretEnv: X\n${users}`), { X: 'y' });
    expect(bad.ok === false && bad.error).toMatch(/`directory\.url` must start with ldap:\/\/ or ldaps:\/\//);
  });
  it('refuses an unknown key, naming its path: an unquoted DN in a `{ … }` mapping splits at its commas', () => {
    const file = write('unquoted.yaml', `${base}  secretEnv: X\n${users}groups: { base: ou=groups,dc=example,dc=com }\n`);
    expect(loadAgentConfig(file, { X: 'y' })).toEqual({ ok: false, error: `agent config \`${file}\`: unknown keys \`groups.dc=example\`, \`groups.dc=com\` (quote a DN inside a \`{ … }\` mapping: YAML reads its commas as separators)` });
    const typo = loadAgentConfig(write('typo.yaml', `${base}  secretEnv: X\n  tls: { startTls: true }\n${users}`), { X: 'y' });
    expect(typo.ok === false && typo.error).toMatch(/: unknown key `directory\.tls\.startTls`$/);
  });
  it('names what a union-typed or enumerated field must be, and where', () => {
    const load = (name: string, extra: string) => loadAgentConfig(write(name, `${base}  secretEnv: X\n${extra}`), { X: 'y' });
    // `users.defaults` values are a scalar or a list of scalars: zod alone says only "invalid input".
    const defaults = load('defaults.yaml', `${users}  defaults: { instanceType: { n: 4 } }\n`);
    expect(defaults.ok === false && defaults.error).toMatch(/: `users\.defaults\.instanceType` expected string or number or boolean or array, got a mapping$/);
    const inList = load('list.yaml', `${users}  defaults: { objectClass: [top, { n: 4 }] }\n`);
    expect(inList.ok === false && inList.error).toMatch(/: `users\.defaults\.objectClass\.1` expected string or number or boolean, got a mapping$/);
    const flavour = loadAgentConfig(write('flavour.yaml', `${base}  secretEnv: X\n  flavour: AD\n${users}`), { X: 'y' });
    expect(flavour.ok === false && flavour.error).toMatch(/: `directory\.flavour` must be one of `openldap`, `ad` \(got `AD`\)$/);
  });
  it("loads the README's sample config", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const sample = /```yaml\n(app: corp-ldap[\s\S]*?)```/.exec(readme)?.[1];
    expect(sample).toBeDefined();
    write('ca.pem', 'pem');
    expect(loadAgentConfig(write('readme.yaml', sample as string), { LDAP_PW: 'pw' })).toMatchObject({ ok: true, config: { groups: { base: 'ou=groups,dc=example,dc=com' } } });
  });
});

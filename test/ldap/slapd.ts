// A real OpenLDAP for a suite: its own slapd on a free loopback port, from a slapd.conf generated
// in a temp dir (mdb; core, cosine, inetorgperson, nis and msuser for AD-shaped entries, the
// latter with uSNChanged ordered as AD orders it: see msuserSchemaWithUsnOrdering), killed
// by pid afterwards. Without /usr/sbin/slapd a suite skips with a notice, except under CI=true.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';

export const SLAPD = '/usr/sbin/slapd';
export const BASE = 'dc=example,dc=com';
export const ROOT_DN = `cn=admin,${BASE}`;
export const ROOT_PW = 'root-secret';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];

/**
 * msuser.schema with `uSNChanged` and `uSNCreated` given integer matching rules. Real AD orders
 * them (an agent reads `(uSNChanged>=N)` for its incremental import), but the schema file that
 * ships with OpenLDAP declares them with a syntax only, so slapd cannot answer an ordering
 * filter on them. slapd does not maintain them either: the suites write them as AD would (a
 * number from one counter that grows with every change) when they add or change an entry.
 */
export function msuserSchemaWithUsnOrdering(text: string): string {
  let patched = text;
  for (const name of ['uSNChanged', 'uSNCreated']) {
    const before = patched;
    patched = patched.replace(new RegExp(`(NAME '${name}'\\s+SYNTAX 'MSADlargeInteger')`), '$1\n\tEQUALITY integerMatch\n\tORDERING integerOrderingMatch');
    if (patched === before) throw new Error(`msuser.schema: no \`${name}\` definition to patch`);
  }
  return patched;
}

/** True when slapd can run here; prints how to install it otherwise (and fails under CI). */
export function haveSlapd(): boolean {
  if (existsSync(SLAPD)) return true;
  if (process.env.CI === 'true') throw new Error('slapd is missing: apt-get install -y slapd ldap-utils');
  console.warn('test/ldap skipped: slapd is missing; install it with `apt-get install -y slapd ldap-utils`');
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Slapd {
  url: string;
  /** PEM of the self-signed certificate, when started with `tls` (StartTLS on the same port). */
  ca?: string;
  port: number;
  dir: string;
  /** Stops slapd (SIGTERM, by pid) and waits for it to exit; the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port over the same data. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export async function startSlapd(options: { tls?: boolean } = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-slapd-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (options.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  }
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}/`;
  const conf = join(dir, 'slapd.conf');
  const msuser = join(dir, 'msuser.schema');
  writeFileSync(msuser, msuserSchemaWithUsnOrdering(readFileSync('/etc/ldap/schema/msuser.schema', 'utf8')));
  writeFileSync(
    conf,
    [
      ...SCHEMAS.map((s) => `include /etc/ldap/schema/${s}.schema`),
      `include ${msuser}`,
      `pidfile ${join(dir, 'slapd.pid')}`,
      ...(options.tls ? [`TLSCertificateFile ${cert}`, `TLSCertificateKeyFile ${key}`] : []),
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'sizelimit unlimited',
      'database mdb',
      `suffix "${BASE}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${dir}`,
      'maxsize 1073741824',
      'dbnosync',
      'index objectClass eq',
      'index uid,cn,mail eq',
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn(SLAPD, ['-f', conf, '-h', url, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child = proc;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`slapd exited: ${stderr.slice(-500)}`);
      const client = new Client({ url, timeout: 1000, connectTimeout: 1000 });
      try {
        await client.bind(ROOT_DN, ROOT_PW);
        await client.unbind();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`slapd did not start: ${stderr.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise((r) => proc.once('exit', r));
    process.kill(proc.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (proc.exitCode === null && proc.pid !== undefined) process.kill(proc.pid, 'SIGKILL');
  };
  await start();
  return {
    url,
    ...(options.tls ? { ca: readFileSync(cert, 'utf8') } : {}),
    port,
    dir,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The base entry and the OUs the suites use, as the root DN. */
export async function seedBase(url: string, ous: string[] = ['people', 'groups', 'Engineering,ou=people', 'Sales,ou=people']): Promise<void> {
  const client = new Client({ url });
  await client.bind(ROOT_DN, ROOT_PW);
  try {
    await client.add(BASE, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' });
    for (const ou of ous) await client.add(`ou=${ou},${BASE}`, { objectClass: ['top', 'organizationalUnit'], ou: ou.split(',')[0] as string });
  } finally {
    await client.unbind();
  }
}

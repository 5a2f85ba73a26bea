// `npm start`'s settings as a user gets them wrong: each bad setting is one line naming it, exit
// 1, before the database is touched; and the active rule set across restarts: `rules/` is
// activated when it changed, and a rule set an admin activated since survives a restart.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'roster-settings-'));
  dirs.push(dir);
  return dir;
};

async function listen(port = 0): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: Server) => (server.address() as { port: number }).port;

interface Run {
  code: Promise<number | null>;
  output(): string;
  stop(): void;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge/entry/node.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, HOST: '127.0.0.1', LIBSQL_URL: '', ROSTER_SEAL_KEY: '', ROSTER_JIT_ISSUERS: '', ROSTER_DEMO: '0', ROSTER_DISPATCH: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { code: new Promise((resolve) => child.on('exit', resolve)), output: () => out, stop: () => child.kill('SIGINT') };
}

async function listening(run: Run): Promise<{ url: string; token: string }> {
  const deadline = Date.now() + 60_000;
  while (!/admin token \(shown once\): (\S+)/.test(run.output())) {
    if (Date.now() > deadline) throw new Error(`did not start:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: /listening on (\S+)/.exec(run.output())?.[1] as string, token: /admin token \(shown once\): (\S+)/.exec(run.output())?.[1] as string };
}

describe('npm start settings', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['a port that is not a number', { PORT: 'abc' }, /^roster could not start: PORT `abc` is not a port number$/],
    ['a seal key that is not base64', { PORT: '0', ROSTER_SEAL_KEY: 'not base64 at all!' }, /^roster could not start: ROSTER_SEAL_KEY: a seal key is 32 bytes in base64: this one is not base64$/],
    ['a seal key of the wrong length', { PORT: '0', ROSTER_SEAL_KEY: 'c2hvcnQ=' }, /^roster could not start: ROSTER_SEAL_KEY: a seal key is 32 bytes in base64, got 5 bytes$/],
    ['JIT issuers that are not JSON', { PORT: '0', ROSTER_JIT_ISSUERS: '{bad' }, /^roster could not start: ROSTER_JIT_ISSUERS is not JSON: /],
    ['a JIT issuer without its keys', { PORT: '0', ROSTER_JIT_ISSUERS: '[{"issuer":"https://login.example","audience":"roster"}]' }, /^roster could not start: ROSTER_JIT_ISSUERS\[0\]\.jwksUri: /],
    ['a JIT issuer whose audience is neither a string nor a list', { PORT: '0', ROSTER_JIT_ISSUERS: '[{"issuer":"https://login.example","jwksUri":"https://login.example/jwks","audience":42}]' }, /^roster could not start: ROSTER_JIT_ISSUERS\[0\]\.audience: expected string or array, got number `42`$/],
    ['a JIT issuer whose keys come over plain http', { PORT: '0', ROSTER_JIT_ISSUERS: '[{"issuer":"https://login.example","jwksUri":"http://login.example/jwks","audience":"roster"}]' }, /^roster could not start: ROSTER_JIT_ISSUERS\[0\]\.jwksUri: jwksUri `http:\/\/login\.example\/jwks` is not https/],
  ];
  for (const [name, env, message] of cases) {
    it(`refuses ${name} in one line, touching nothing`, async () => {
      const data = tempDir();
      const run = start({ ROSTER_DATA_DIR: data, ...env });
      expect(await run.code).toBe(1);
      const lines = run.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(existsSync(join(data, 'roster.db'))).toBe(false);
    });
  }

  it('says the port is taken before doing any work', async () => {
    const taken = await listen();
    const data = tempDir();
    const run = start({ ROSTER_DATA_DIR: data, PORT: String(portOf(taken)) });
    expect(await run.code).toBe(1);
    expect(run.output().trim()).toBe(`roster could not start: port ${portOf(taken)} on 127.0.0.1 is in use: stop what holds it or set PORT`);
    expect(existsSync(join(data, 'roster.db'))).toBe(false);
    taken.close();
  });

  it('keeps a rule set an admin activated across a restart, and activates rules/ when it changes', async () => {
    const data = tempDir();
    const rules = join(tempDir(), 'rules');
    cpSync('rules', rules, { recursive: true });
    const env = { ROSTER_DATA_DIR: data, ROSTER_RULES_DIR: rules, PORT: '0' };
    const active = async (url: string, token: string) => ((await (await fetch(`${url}/v1/rule-sets`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: { version: string; active: boolean; source: string }[] }).items.find((v) => v.active);

    const first = start(env);
    const one = await listening(first);
    const fromDisk = await active(one.url, one.token);
    // An admin activates another version (here: the same files with one rule's priority changed).
    const files = (await (await fetch(`${one.url}/v1/rule-sets/${fromDisk?.version}`, { headers: { authorization: `Bearer ${one.token}` } })).json()) as { files: { path: string; text: string }[] };
    const edited = files.files.map((f) => (f.path.endsWith('engineering.yaml') ? { ...f, text: f.text.replace('priority: 100', 'priority: 101') } : f));
    expect(edited).not.toEqual(files.files);
    const uploaded = await fetch(`${one.url}/v1/rule-sets`, { method: 'POST', headers: { authorization: `Bearer ${one.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ files: edited, activate: true }) });
    expect(uploaded.status).toBe(201);
    const admins = await active(one.url, one.token);
    expect(admins?.version).not.toBe(fromDisk?.version);
    first.stop();
    expect(await first.code).toBe(0);

    const second = start(env);
    const two = await listening(second);
    expect((await active(two.url, two.token))?.version).toBe(admins?.version);
    expect(second.output()).toContain('is unchanged since it was loaded');
    second.stop();
    expect(await second.code).toBe(0);

    // A deploy changes rules/: it is what the next start activates.
    const engineering = join(rules, 'assignments/engineering.yaml');
    writeFileSync(engineering, readFileSync(engineering, 'utf8').replace('priority: 100', 'priority: 102'));
    const third = start(env);
    const three = await listening(third);
    const deployed = await active(three.url, three.token);
    expect([fromDisk?.version, admins?.version]).not.toContain(deployed?.version);
    expect(deployed?.source).toBe('rules/');
    third.stop();
    expect(await third.code).toBe(0);
  }, 180_000);
});

// `npm start` as a user runs it: a real process on a free loopback port with its own data
// directory; the printed URL and token work; Ctrl-C (SIGINT) exits 0; a second start reuses
// the database without importing the demo feed again.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'roster-start-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
  output(): string;
  exit: Promise<number | null>;
}

async function start(port: number): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'edge/entry/node.ts'], {
    cwd: process.cwd(),
    env: { ...process.env, ROSTER_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LIBSQL_URL: '', ROSTER_SEAL_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!/admin token \(shown once\): (\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] as string;
  const token = /admin token \(shown once\): (\S+)/.exec(out)?.[1] as string;
  return { child, url, token, output: () => out, exit };
}

describe('npm start', () => {
  it('serves the API over a new database, stops on SIGINT with exit 0, and restarts without re-importing', async () => {
    const port = await freePort();
    const first = await start(port);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);
    expect(first.token).toMatch(/^rst_admin_/);
    expect(first.output()).toMatch(/imported the demo HR feed: 500 workers/);
    expect(statSync(join(dataDir, 'seal.key')).mode & 0o777).toBe(0o600);

    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });
    expect((await fetch(`${first.url}/v1/imports`)).status).toBe(401);
    const imports = await fetch(`${first.url}/v1/imports`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(imports.status).toBe(200);
    const body = (await imports.json()) as { items: { status: string; created: number; fileName: string }[] };
    expect(body.items).toEqual([expect.objectContaining({ status: 'done', created: 500, fileName: 'examples/hr/workers.csv' })]);
    // The API page loads Swagger UI from this server, not from a CDN, and needs no token for it.
    const docs = await (await fetch(`${first.url}/docs`)).text();
    const scripts = [...docs.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts).toEqual(['/docs/assets/swagger-ui-dist/swagger-ui.css', '/docs/assets/swagger-ui-dist/swagger-ui-bundle.js', '/docs/assets/init.js']);
    for (const path of scripts.slice(0, 2)) {
      const asset = await fetch(`${first.url}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    }
    // The demo's apps and groups come from the rule files, named by their path under rules/, never
    // by where this server's files lie.
    const auth = { headers: { authorization: `Bearer ${first.token}` } };
    const apps = (await (await fetch(`${first.url}/v1/apps`, auth)).json()) as { items: { id: string; status: string; definedAt: string }[] };
    expect(apps.items.map((a) => a.id)).toContain('github');
    expect(apps.items.find((a) => a.id === 'github')).toMatchObject({ status: 'unconnected', definedAt: 'rules/apps/github.yaml:1' });
    const groups = (await (await fetch(`${first.url}/v1/groups?source=rules`, auth)).json()) as { items: { id: string; definedAt: string }[] };
    expect(groups.items.find((g) => g.id === 'engineering')?.definedAt).toMatch(/^rules\/groups\/departments\.yaml:\d+$/);
    const members = (await (await fetch(`${first.url}/v1/groups/employees/members?limit=1`, auth)).json()) as { items: unknown[]; next?: string };
    expect(members.items).toHaveLength(1);
    expect(members.next).toBeDefined();
    for (const name of ['package.json', 'constructor', '__proto__']) expect((await fetch(`${first.url}/docs/assets/swagger-ui-dist/${name}`)).status).toBe(404);
    expect((await fetch(`${first.url}/docs/assets/swagger-ui-dist/..%2Fpackage.json`)).status).toBe(404);
    // The token is printed once and never logged elsewhere (the request log names its id only).
    expect(first.output().split(first.token).length).toBe(2);

    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(first.output()).toMatch(/stopped/);

    const second = await start(port);
    expect(second.output()).not.toMatch(/imported the demo HR feed/);
    expect(second.token).not.toBe(first.token);
    const again = await fetch(`${second.url}/v1/imports`, { headers: { authorization: `Bearer ${first.token}` } });
    expect(((await again.json()) as { items: unknown[] }).items).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  }, 240_000);
});

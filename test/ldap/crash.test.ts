// `roster agent` as a real process, killed (SIGKILL) with a batch of actions claimed and only
// partly applied, then started again: after the lease the edge hands the unanswered actions
// out again, the agent finds the entries it had already added, and every action lands once.
// A fatal error (the edge refuses the app) ends the process with 1, as does `--import` when the
// read failed; SIGTERM ends it at once.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxCounts } from '../../edge/db/repos/outbox.ts';
import type { Edge } from './edge.ts';
import { people, queue, startEdge, waitFor } from './edge.ts';
import type { Slapd } from './slapd.ts';
import { BASE, ROOT_DN, ROOT_PW, haveSlapd, seedBase, startSlapd } from './slapd.ts';

const run = haveSlapd();
const ROOT = join(import.meta.dirname, '../..');

describe.skipIf(!run)('roster agent killed and restarted with actions in flight', () => {
  let slapd: Slapd;
  let edge: Edge;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    slapd = await startSlapd();
    await seedBase(slapd.url);
    edge = await startEdge();
    dir = mkdtempSync(join(tmpdir(), 'roster-agent-'));
    writeFileSync(join(dir, 'secret'), `${ROOT_PW}\n`);
    const config = (app: string, extra: Record<string, unknown> = {}) =>
      stringify({
        app,
        directory: { url: slapd.url, bindDN: ROOT_DN, secretFile: 'secret' },
        users: { base: `ou=people,${BASE}`, rdn: 'cn={cn}', container: 'ou={ou}', key: 'uid', disable: { attribute: 'employeeType', disabled: 'disabled' } },
        backoff: { minMs: 100, maxMs: 1000 },
        ...extra,
      });
    writeFileSync(join(dir, 'agent.yaml'), config('corp-ldap'));
    writeFileSync(join(dir, 'unregistered.yaml'), config('hr-ldap', { import: { everySeconds: 60 } }));
    writeFileSync(join(dir, 'no-groups.yaml'), config('corp-ldap', { groups: { base: `ou=nowhere,${BASE}` } }));
  }, 30_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await edge?.close();
    await slapd?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const entries = async () => {
    const c = new Client({ url: slapd.url });
    await c.bind(ROOT_DN, ROOT_PW);
    try {
      return (await c.search(`ou=people,${BASE}`, { filter: '(uid=k*)', attributes: ['uid'] })).searchEntries;
    } finally {
      await c.unbind();
    }
  };
  const startAgent = (extra: string[] = ['--wait', '1', '--lease', '5'], config = 'agent.yaml') => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/roster.mjs'), 'agent', '--edge', edge.url, '--config', join(dir, config), ...extra], {
      cwd: ROOT,
      env: { ...process.env, ROSTER_AGENT_TOKEN: edge.agentToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    children.push(child);
    return { child, output: () => out };
  };

  it('applies every action exactly once across a SIGKILL', async () => {
    const total = 300;
    await queue(edge.db, people(total, 'k'));
    // Kill while a claimed batch is unanswered (between batches nothing is in flight). The agent
    // may answer between our look and the kill: then the kill proved nothing, so start it again
    // and kill again, a few times at most.
    let atKill: Record<string, number> = {};
    for (let attempt = 0; attempt < 5 && (atKill.delivering ?? 0) === 0; attempt++) {
      const first = startAgent();
      await waitFor(async () => (await entries()).length >= 40 && ((await outboxCounts(edge.db)).delivering ?? 0) > 0, 60_000, 5);
      process.kill(first.child.pid as number, 'SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      atKill = (await outboxCounts(edge.db)) as Record<string, number>;
    }
    expect(atKill.delivering ?? 0).toBeGreaterThan(0); // claimed, not reported: in flight when killed
    const second = startAgent();
    await waitFor(async () => ((await outboxCounts(edge.db)).done ?? 0) >= total, 90_000, 200);
    process.kill(second.child.pid as number, 'SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    const found = await entries();
    expect(found).toHaveLength(total);
    expect(new Set(found.map((e) => e.uid)).size).toBe(total);
    const counts = await outboxCounts(edge.db);
    expect(counts).toEqual({ done: total });
    const already = second.output().split('\n').filter((l) => l.includes('"effect":"already"')).length;
    console.log(`agent SIGKILL: ${atKill.delivering} in flight at the kill, ${total} entries, ${already} re-delivered actions found already applied`);
    expect(second.output()).toContain('"msg":"agent stopped"');
  }, 150_000);

  const exited = (child: ChildProcess, ms: number) =>
    new Promise<number | string | null>((resolve) => {
      const timer = setTimeout(() => resolve('still running'), ms);
      child.once('exit', (code, signal) => (clearTimeout(timer), resolve(code ?? signal)));
    });

  it('exits 1 with the error when the edge refuses its app, its import loop stopped and the directory connection closed', async () => {
    const { child, output } = startAgent(['--wait', '1'], 'unregistered.yaml');
    expect(await exited(child, 15_000), output()).toBe(1);
    expect(output()).toMatch(/^agent: edge answered 404 to GET \/v1\/agent\/actions: .*no app `hr-ldap`/m);
  }, 30_000);

  it('stops promptly on the first SIGTERM while polling', async () => {
    const { child, output } = startAgent(['--wait', '20']);
    await waitFor(async () => output().includes('"msg":"agent started"'), 15_000, 50);
    await new Promise((r) => setTimeout(r, 500)); // inside a long poll
    const signalled = Date.now();
    process.kill(child.pid as number, 'SIGTERM');
    expect(await exited(child, 15_000), output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5000); // not the rest of the 20 s poll
    expect(output()).toContain('"msg":"agent stopped"');
  }, 30_000);

  it('roster agent --import full reads the directory once, pushes it and prints the summary and cursor', async () => {
    const { child, output } = startAgent(['--import', 'full']);
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    const line = JSON.parse(output().trim().split('\n').pop() as string);
    expect(line).toMatchObject({ entries: 300, cursor: expect.stringMatching(/^\d{14}Z$/), summary: { health: 'ok', counts: { linked: 300, deleted: 0 } } });
    // Another process, no --since: it starts from the cursor the edge kept from the import above.
    const next = startAgent(['--import', 'incremental']);
    expect(await new Promise((r) => next.child.once('exit', r))).toBe(0);
    const incremental = JSON.parse(next.output().trim().split('\n').pop() as string);
    expect(incremental).toMatchObject({ since: line.cursor, cursor: line.cursor, summary: { health: 'ok', counts: { deleted: 0 } } });
  }, 60_000);

  it('roster agent --import exits 1 when the read failed, the summary still printed', async () => {
    const { child, output } = startAgent(['--import', 'full'], 'no-groups.yaml');
    expect(await exited(child, 30_000), output()).toBe(1);
    const lines = output().trim().split('\n');
    expect(JSON.parse(lines.find((l) => l.startsWith('{')) as string)).toMatchObject({ entries: 0, summary: { health: 'failed', counts: { deleted: 0 } } });
    expect(lines).toContain(`agent: import: directory read failed: searching \`ou=nowhere,${BASE}\` (\`groups.base\`): ldap 32 noSuchObject`);
  }, 60_000);
});

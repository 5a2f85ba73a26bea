// The `roster` CLI end to end: each command against the demo organisation (rules/ and
// examples/), and the bad inputs a user will type, which must exit 2 with one clear line.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roster, tempTree } from './run-cli.ts';

const AS_OF = '2026-03-02T09:00:00Z';
const simulateArgs = ['simulate', '--rules', 'rules', '--users', 'examples/users.json', '--observed', 'examples/observed.json', '--as-of', AS_OF];

interface JsonAction {
  id: string;
  type: string;
  userId?: string;
  appId?: string;
  groupId?: string;
  role?: string;
  reason: { summary: string; rules: string[]; version: string };
}

let simulated: { stdout: string; code: number | null } | undefined;
/** The demo simulation as JSON, run once and shared by the tests that read it. */
function simulateJson(): { stdout: string; code: number | null } {
  simulated ??= roster([...simulateArgs, '--format', 'json']);
  return simulated;
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split('\n')).toHaveLength(1);
}

describe('roster check', () => {
  it('accepts the demo organisation', () => {
    const run = roster(['check', 'rules/']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/\d+ files checked \(9 apps, \d+ assignment rules, \d+ group rules\): 0 errors/);
    expect(run.code).toBe(0);
  });

  it('reports every problem in a broken rules directory as file:line: code: and exits 1', () => {
    const dir = tempTree({
      'rules/app.yaml': 'kind: app\nid: github\nconnector: scim\nroles: [developer]\n',
      'rules/broken.yaml': [
        'kind: assignment',
        'id: eng-github',
        'when:',
        '  all:',
        '    - { fact: department, operator: equalz, value: Engineering }',
        'assign: [ { app: github, role: developer } ]',
        '---',
        'kind: assignment',
        'id: ops-github',
        'when: { all: [ { fact: department, operator: equal, value: Operations } ] }',
        'assign: [ { app: githib, role: developer } ]',
        '',
      ].join('\n'),
      'rules/syntax.yaml': 'kind: group\nid: [unclosed\n',
    });
    const run = roster(['check', 'rules'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^rules\/broken\.yaml:5: [\w.-]+: .*equalz/m);
    expect(run.stdout).toMatch(/^rules\/broken\.yaml:11: [\w.-]+: .*githib.*\(rule `ops-github`\)/m);
    expect(run.stdout).toMatch(/^rules\/syntax\.yaml:\d+: yaml\.syntax: /m);
    expect(run.stdout).toMatch(/: 3 errors, /);
  });

  it('exits 2 when the directory does not exist', () => {
    const run = roster(['check', 'no-such-rules']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rules directory `no-such-rules` does not exist');
    expectNoStackTrace(run.stderr);
  });
});

describe('roster test', () => {
  it('runs the demo rule tests and they all pass', () => {
    const run = roster(['test', 'rules/']);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(last.split(' ')[0])).toBeGreaterThanOrEqual(15);
    expect(run.code).toBe(0);
  });

  it('shows a failing test with the expected action and the closest actual one, and exits 1', () => {
    const dir = tempTree({
      'rules/github.yaml': 'kind: app\nid: github\nconnector: scim\nroles: [developer, maintainer]\n',
      'rules/eng.yaml': 'kind: assignment\nid: eng-github\nwhen: { all: [ { fact: department, operator: equal, value: Engineering } ] }\nassign: [ { app: github, role: developer } ]\n',
      'rules/eng.test.yaml': [
        '- name: engineers get github',
        '  users: [ { id: u1, department: Engineering } ]',
        '  expect: { actions: [ { type: account.create, userId: u1, appId: github, role: developer } ] }',
        '- name: engineers are maintainers',
        '  users: [ { id: u1, department: Engineering } ]',
        '  expect: { actions: [ { type: account.create, userId: u1, appId: github, role: maintainer } ] }',
        '',
      ].join('\n'),
    });
    const run = roster(['test', 'rules'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  rules/eng.test.yaml:4: engineers are maintainers');
    expect(run.stdout).toContain('expected action not found: {type: account.create, userId: u1, appId: github, role: maintainer}');
    expect(run.stdout).toContain('role: expected maintainer, got developer');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });
});

describe('roster simulate', () => {
  it('prints {"actions": [...]} with id, type, user, app or group and reason', () => {
    const run = simulateJson();
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { actions: JsonAction[] };
    expect(out.actions.length).toBeGreaterThan(50);
    for (const action of out.actions) {
      expect(action.id).toMatch(/\S/);
      expect(action.type).toMatch(/^(account|membership|group|password|task)\./);
      expect(action.userId ?? action.groupId).toBeTruthy();
      expect(action.appId ?? action.groupId).toBeTruthy();
      expect(action.reason.summary).toMatch(/\S/);
    }
    // What the demo data is built to show: a leaver loses aws, a mover's github is suspended.
    expect(out.actions).toContainEqual(expect.objectContaining({ type: 'account.delete', userId: 'e1024', appId: 'aws' }));
    expect(out.actions).toContainEqual(expect.objectContaining({ type: 'account.suspend', userId: 'e1004', appId: 'github' }));
    expect(out.actions).toContainEqual(expect.objectContaining({ type: 'account.create', userId: 'e1012', appId: 'aws', role: 'administrator' }));
  });

  it('reads the same population from CSV and plans the same actions', () => {
    const json = JSON.parse(simulateJson().stdout) as { actions: JsonAction[] };
    const csvArgs = simulateArgs.map((arg) => (arg === 'examples/users.json' ? 'examples/users.csv' : arg));
    const csv = roster([...csvArgs, '--format', 'json']);
    expect(csv.code).toBe(0);
    expect((JSON.parse(csv.stdout) as { actions: JsonAction[] }).actions).toEqual(json.actions);
  });

  it('prints a table with counts per app and action type', () => {
    const run = roster(simulateArgs);
    expect(run.code).toBe(0);
    // The demo schedules actions (a hire next week, two terminations), so NOT BEFORE is shown.
    expect(run.stdout).toMatch(/^TYPE\s+USER\s+TARGET\s+ROLE\s+NOT BEFORE\s+WHY$/m);
    expect(run.stdout).toMatch(/^account\.deactivate\s+e1052\s+slack\s+2026-03-13T13:00:00\.000Z\s+terminated at the local end of `2026-03-13` in `Australia\/Melbourne`/m);
    expect(run.stdout).toMatch(/^account\.create\s+e1001\s+/m);
    expect(run.stdout).toMatch(/^TARGET\s+account\.create\s/m);
    expect(run.stdout).toMatch(/^aws\s+\d/m);
    expect(run.stdout).toMatch(/^total\s+\d/m);
  });

  it('gives byte-identical output for the same input', () => {
    expect(roster([...simulateArgs, '--format', 'json']).stdout).toBe(simulateJson().stdout);
  });
});

describe('roster explain', () => {
  it("prints the why-tree for one user, naming the rules that decided", () => {
    const run = roster(['explain', '--rules', 'rules', '--users', 'examples/users.json', '--user', 'e1002', '--as-of', AS_OF]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('e1002');
    expect(run.stdout).toContain('github');
    expect(run.stdout).toContain('eng-managers-github-maintainer');
    expect(run.stdout).toContain('engineering-managers');
    expect(run.stdout.split('\n').length).toBeGreaterThan(5);
  });

  it('exits 2 for a user that is not in the file', () => {
    const run = roster(['explain', '--rules', 'rules', '--users', 'examples/users.json', '--user', 'nobody']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no user with id `nobody` in `examples/users.json`');
    expectNoStackTrace(run.stderr);
  });
});

describe('bad input: one line naming the problem and where, exit 2', () => {
  const bad = tempTree({
    'broken.json': '[\n  { "id": "u1" },\n  { "id": "u2", }\n]\n',
    'no-id.json': '[\n  { "id": "u1" },\n  { "department": "Sales" }\n]\n',
    'dupes.json': '[\n  { "id": "u1" },\n  { "id": "u2" },\n  { "id": "u1" }\n]\n',
    'broken.csv': 'id,department\nu1,Sales\nu2,"Engineering\n',
    'ragged.csv': 'id,department\nu1,Sales,extra\n',
    'observed.json': '{ "accounts": [ { "userId": "u1", "appId": "github", "status": "gone" } ] }',
  });
  const cases: [string, string[], RegExp][] = [
    ['a missing users file', ['--users', 'nope.json'], /users file `nope\.json` does not exist/],
    ['malformed json', ['--users', `${bad}/broken.json`], /broken\.json:3:\d+: malformed json: /],
    ['a user without id', ['--users', `${bad}/no-id.json`], /no-id\.json:3: user #2 has no `id`/],
    ['duplicate user ids', ['--users', `${bad}/dupes.json`], /dupes\.json:4: duplicate user id `u1` \(first at .*dupes\.json:2\)/],
    ['malformed csv', ['--users', `${bad}/broken.csv`], /broken\.csv:\d+: malformed csv: .*quote/i],
    ['a csv row with too many cells', ['--users', `${bad}/ragged.csv`], /ragged\.csv:2: malformed csv: /],
    ['an invalid observed file', ['--users', 'examples/users.json', '--observed', `${bad}/observed.json`], /observed\.json:1: invalid observed state at `accounts\[0\]\.status`/],
    ['a bad --as-of', ['--users', 'examples/users.json', '--as-of', '2026-02-30'], /--as-of `2026-02-30` is not an ISO-8601 date/],
    ['an --as-of without time zone', ['--users', 'examples/users.json', '--as-of', '2026-03-01T10:00'], /has no time zone/],
    ['an unknown flag', ['--users', 'examples/users.json', '--frobnicate'], /simulate: unknown option `--frobnicate`/],
    ['an unknown format', ['--users', 'examples/users.json', '--format', 'xml'], /unknown format `xml`/],
    ['a missing --users', [], /missing required option `--users`/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const run = roster(['simulate', '--rules', 'rules', ...args]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expectNoStackTrace(run.stderr);
    expect(run.code).toBe(2);
  });

  it('an unknown command', () => {
    const run = roster(['simulat']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command `simulat`');
    expectNoStackTrace(run.stderr);
  });
});

describe('help', () => {
  it('roster --help lists every command', () => {
    const run = roster(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['check', 'test', 'simulate', 'explain', 'help']) expect(run.stdout).toMatch(new RegExp(`^  ${name}\\s`, 'm'));
  });

  it('roster help simulate shows its options', () => {
    const run = roster(['help', 'simulate']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--observed FILE');
    expect(run.stdout).toContain('--as-of ISO');
  });
});

describe('the database commands on a database that is not there', () => {
  it('audit verify and token list refuse a mistyped path instead of making an empty database and calling it ok', () => {
    const dir = tempTree({});
    const verify = roster(['audit', 'verify', '--db', 'file:typo.db'], dir);
    expect(verify).toMatchObject({ code: 2, stdout: '' });
    expect(verify.stderr).toBe(`roster: audit verify: database \`file:${dir}/typo.db\` does not exist (give \`--db URL\`, or set LIBSQL_URL or ROSTER_DATA_DIR as for npm start)\n`);
    const list = roster(['token', 'list'], dir, { LIBSQL_URL: undefined, ROSTER_DATA_DIR: 'nowhere' });
    expect(list.stderr).toContain(`token list: database \`file:${dir}/nowhere/roster.db\` does not exist`);
    expect(roster(['token', 'revoke', 'tok_x', '--db', 'file:typo.db'], dir).code).toBe(2);
    expect(existsSync(join(dir, 'typo.db')) || existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('an unreachable LIBSQL_URL is named with why (connection refused), in one line', async () => {
    const port = await new Promise<number>((done) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
    });
    const run = roster(['token', 'list'], tempTree({}), { LIBSQL_URL: `http://127.0.0.1:${port}` });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`roster: token list: cannot open database \`http://127.0.0.1:${port}\`: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('an option left without its value says so in one line', () => {
    const run = roster(['token', 'create', '--scope', 'admin', '--name', '--db', 'file:x.db'], tempTree({}));
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: 'roster: token: option `--name` needs a value (for one that starts with `-`, write `--name=-VALUE`)\n' });
  });
});

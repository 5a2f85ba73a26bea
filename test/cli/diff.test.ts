// `roster diff` end to end: a temp git repository with committed rules, a rule edited in the
// work tree, and the diff in both formats; then the mistakes a user will make.
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { roster, tempTree } from './run-cli.ts';

const AS_OF = '2026-03-02T09:00:00Z';

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

const apps = [
  'kind: app\nid: github\nconnector: scim\nroles: [developer, maintainer]\ndeprovision: { onUnassign: suspend }',
  'kind: app\nid: slack\nconnector: scim\nroles: [member]',
  'kind: app\nid: jira\nconnector: scim\nroles: [user]',
].join('\n---\n');

const assignments = (engineeringRole: string, salesSlack: boolean): string =>
  [
    `kind: assignment\nid: eng-github\nwhen: { all: [ { fact: department, operator: equal, value: Engineering } ] }\nassign: [ { app: github, role: ${engineeringRole} } ]`,
    'kind: assignment\nid: design-github\nwhen: { all: [ { fact: department, operator: equal, value: Design } ] }\nassign: [ { app: github, role: developer } ]',
    `kind: assignment\nid: everyone-slack\nwhen: { all: [ { fact: department, operator: in, value: [${salesSlack ? 'Engineering, Design, Sales' : 'Engineering, Design'}] } ] }\nassign: [ { app: slack, role: member } ]`,
  ].join('\n---\n');

const users = JSON.stringify([
  { id: 'u1', department: 'Engineering' },
  { id: 'u2', department: 'Engineering' },
  { id: 'u3', department: 'Design' },
  { id: 'u4', department: 'Sales' },
]);
// u3 already has github; the new rules stop giving designers github, so it is suspended.
const observed = JSON.stringify({ accounts: [{ userId: 'u3', appId: 'github', status: 'active', role: 'developer' }], memberships: [] });

interface DiffJson {
  base: { version: string; commit: string };
  head: { version: string };
  summary: { target: string; type: string; added: number; removed: number; changed: number }[];
  changes: { kind: string; type: string; userId: string; appId: string; rules: string[]; before?: { role?: string }; after?: { role?: string } }[];
  diagnostics: { code: string }[];
}

let repo = '';
let firstCommit = '';

beforeAll(() => {
  repo = tempTree({ 'rules/apps.yaml': apps, 'rules/assignments.yaml': assignments('developer', false), 'rules/notes.txt': 'not a rule', 'users.json': users, 'observed.json': observed });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'rules');
  firstCommit = git(repo, 'rev-parse', 'HEAD');
  // The pull request: engineers become maintainers, sales joins slack, designers lose github.
  const edited = assignments('maintainer', true).replace(/kind: assignment\nid: design-github[^]*?---\n/, '');
  writeFileSync(join(repo, 'rules/assignments.yaml'), edited);
});

const diffArgs = (...extra: string[]): string[] => ['diff', '--base', 'main', '--rules', 'rules', '--users', 'users.json', '--observed', 'observed.json', '--as-of', AS_OF, ...extra];

describe('roster diff', () => {
  it('prints JSON with both versions, counts per app and type, and per-user changes with their rules', () => {
    const run = roster(diffArgs('--format', 'json'), repo);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout) as DiffJson;
    expect(diff.base.commit).toBe(firstCommit);
    expect(diff.base.version).toMatch(/^[0-9a-f]{64}$/);
    expect(diff.head.version).toMatch(/^[0-9a-f]{64}$/);
    expect(diff.base.version).not.toBe(diff.head.version);
    expect(diff.summary).toEqual([
      { target: 'github', type: 'account.create', added: 0, removed: 0, changed: 2 },
      { target: 'github', type: 'account.suspend', added: 1, removed: 0, changed: 0 },
      { target: 'slack', type: 'account.create', added: 1, removed: 0, changed: 0 },
    ]);
    const byUser = (id: string): DiffJson['changes'] => diff.changes.filter((c) => c.userId === id);
    expect(byUser('u1')).toMatchObject([{ kind: 'changed', type: 'account.create', appId: 'github', rules: ['eng-github'], before: { role: 'developer' }, after: { role: 'maintainer' } }]);
    // The suspension names no rule of its own: it is blamed on the rule that used to assign github.
    expect(byUser('u3')).toMatchObject([{ kind: 'added', type: 'account.suspend', appId: 'github', rules: ['design-github'] }]);
    expect(byUser('u4')).toMatchObject([{ kind: 'added', type: 'account.create', appId: 'slack', rules: ['everyone-slack'] }]);
    expect(diff.changes).toHaveLength(4);
  });

  it('prints a markdown pull-request comment: heading, versions, summary table, per-user lines', () => {
    const run = roster(diffArgs(), repo);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`### Roster rule diff: \`rules\` at \`main\` (${firstCommit.slice(0, 12)}) → work tree`);
    expect(run.stdout).toMatch(/^Rule-set versions: base `[0-9a-f]{12}` → head `[0-9a-f]{12}` · 4 users · as of `2026-03-02T09:00:00.000Z`$/m);
    expect(run.stdout).toContain('**~2 account.create github, +1 account.suspend github, +1 account.create slack**');
    expect(run.stdout).toContain('| github | account.create | 0 | 0 | 2 |');
    expect(run.stdout).toContain('| slack | account.create | 1 | 0 | 0 |');
    expect(run.stdout).toContain('<details><summary>4 changes by user</summary>');
    expect(run.stdout).toMatch(/^- `u1` \*\*~\*\* account\.create `github`: role `developer` → `maintainer` — rule `eng-github`: /m);
    expect(run.stdout).toMatch(/^- `u3` \*\*\+\*\* account\.suspend `github` — rule `design-github`: no rule assigns `github` any more/m);
    expect(run.stdout).toMatch(/^- `u4` \*\*\+\*\* account\.create `slack` as `member` — rule `everyone-slack`/m);
    expect(run.stdout).not.toContain('Diagnostics');
  });

  it('says when nothing changes', () => {
    const same = tempTree({ 'rules/apps.yaml': apps, 'rules/assignments.yaml': assignments('developer', false), 'users.json': users });
    git(same, 'init', '-q');
    git(same, 'add', '.');
    git(same, 'commit', '-q', '-m', 'x');
    const none = roster(['diff', '--base', 'HEAD', '--users', 'users.json', '--as-of', AS_OF], same);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('**no change: both rule sets plan the same actions**');
    expect(none.stdout).toMatch(/^Actions: 6 → 6 \(6 unchanged\)$/m);
    expect(none.stdout).not.toContain('<details>');
  });

  it('shows the new rules diagnostics in the comment', () => {
    const broken = tempTree({ 'rules/apps.yaml': apps, 'users.json': users });
    git(broken, 'init', '-q');
    git(broken, 'add', '.');
    git(broken, 'commit', '-q', '-m', 'x');
    writeFileSync(join(broken, 'rules/bad.yaml'), 'kind: assignment\nid: bad\nwhen: { all: [ { fact: department, operator: equalz, value: X } ] }\nassign: [ { app: github } ]\n');
    const run = roster(['diff', '--base', 'HEAD', '--users', 'users.json', '--as-of', AS_OF], broken);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\*\*Diagnostics in the new rules\*\* \(1\)\n\n- `rules\/bad\.yaml:3: [\w.-]+: .*equalz/);
    expect(run.stderr).toContain('1 error in `rules`');
  });

  it('diffs against a revision where the rules directory did not exist: every rule is new', () => {
    const fresh = tempTree({ 'README.md': 'x', 'users.json': users });
    git(fresh, 'init', '-q');
    git(fresh, 'add', '.');
    git(fresh, 'commit', '-q', '-m', 'x');
    writeFileSync(join(fresh, 'README.md'), 'y');
    const rules = tempTree({ 'apps.yaml': apps, 'assignments.yaml': assignments('developer', false) });
    cpSync(rules, join(fresh, 'rules'), { recursive: true });
    const run = roster(['diff', '--base', 'HEAD', '--users', 'users.json', '--as-of', AS_OF, '--format', 'json'], fresh);
    expect(run.code).toBe(0);
    expect(run.stderr.trim()).toBe('roster: warning: `rules` did not exist at `HEAD`: every rule counts as new');
    const diff = JSON.parse(run.stdout) as DiffJson;
    expect(diff.changes.map((c) => `${c.kind} ${c.userId} ${c.appId}`)).toEqual(['added u1 github', 'added u1 slack', 'added u2 github', 'added u2 slack', 'added u3 github', 'added u3 slack']);
  });
});

describe('roster diff: mistakes', () => {
  it('outside a git repository: one clear line, exit 2', () => {
    const dir = tempTree({ 'rules/apps.yaml': apps, 'users.json': users });
    const run = roster(['diff', '--base', 'main', '--users', 'users.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/^roster: diff: `.+` is not inside a git repository/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown revision: one clear line, exit 2', () => {
    const run = roster(diffArgs().map((a) => (a === 'main' ? 'no-such-branch' : a)), repo);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('roster: diff: unknown git revision `no-such-branch` (try a branch, a tag or a commit, e.g. `main` or `HEAD~1`)');
  });

  it('a revision that looks like an option is refused, not passed to git', () => {
    const run = roster(['diff', '--base=--output=/tmp/x', '--users', 'users.json'], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a git revision');
  });

  it('a missing --base or --users, and an unknown format', () => {
    expect(roster(['diff', '--users', 'users.json'], repo).stderr).toContain('missing required option `--base`');
    expect(roster(['diff', '--base', 'main'], repo).stderr).toContain('missing required option `--users`');
    const format = roster(diffArgs('--format', 'html'), repo);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown format `html` (expected markdown or json)');
  });

  it('a rules directory outside the repository', () => {
    const outside = tempTree({ 'rules/apps.yaml': apps });
    const run = roster(['diff', '--base', 'main', '--rules', join(outside, 'rules'), '--users', 'users.json'], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is outside the git repository');
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../edge/cli/command.ts';
import { report } from '../../edge/cli/commands/import.ts';
import { progressBar } from '../../edge/cli/commands/progress.ts';
import { getIdentity } from '../../edge/db/repos/identities.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { runImport } from '../../edge/import/run.ts';
import type { ImportProgress } from '../../edge/import/run.ts';
import { main } from '../../edge/cli/main.ts';
import { roster, tempTree } from '../cli/run-cli.ts';
import { sql } from 'drizzle-orm';
import { openLibsql } from '../../edge/db/libsql.ts';

const dir = mkdtempSync(join(tmpdir(), 'roster-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = `file:${join(dir, 'roster.db')}`;

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), now: () => new Date('2025-06-02T08:00:00Z'), cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('roster import', () => {
  it('refuses a file with invalid records, printing each as file:line:, importing nothing, exit 1', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'id,firstName,lastName,email,startDate,timeZone\ne1,Ada,Lovelace,ada@acme.example,2025-01-31,Europe/London\ne2,Bo,,bo@acme,2025-02-30,Moon/Base\n');
    const result = await run('import', file, '--db', db);
    expect(result.code).toBe(1);
    expect(result.err.split('\n').filter((l) => l.startsWith(file))).toEqual([
      `${file}:3: missing \`lastName\``,
      `${file}:3: \`email\` is not an email address: \`bo@acme\``,
      `${file}:3: \`startDate\` must be a date YYYY-MM-DD, got \`2025-02-30\``,
      `${file}:3: \`timeZone\` must be an IANA time zone such as \`Europe/Berlin\`, got \`Moon/Base\``,
    ]);
    expect(result.out).toMatch(/refused .*: 1 of 2 records invalid; nothing was imported/);
    const skipped = await run('import', file, '--db', db, '--skip-invalid');
    expect(skipped.code).toBe(1);
    expect(skipped.out).toMatch(/1 created, 0 updated, 0 unchanged, 1 invalid of 2 records/);
  });

  it('imports the demo feed with the demo rules, plans it, and a changes file after it', async () => {
    const first = await run('import', 'examples/hr/workers.csv', '--db', db);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/500 created, 0 updated, 0 unchanged, 0 invalid of 500 records; planned run \S+: \d+ actions/);
    const changes = await run('import', 'examples/hr/changes.csv', '--incremental', '--db', db);
    expect(changes.out).toMatch(/1 created, 3 updated, 0 unchanged, 0 invalid of 4 records/);
    const again = await run('import', 'examples/hr/changes.csv', '--incremental', '--db', db);
    expect(again.out).toMatch(/0 created, 0 updated, 4 unchanged/);
  }, 60_000);

  it('refuses a file that is not UTF-8 with the line of the first bad byte, through the real binary, writing nothing', () => {
    const latin1 = Buffer.concat([Buffer.from('id,firstName,lastName,email\ne1,Ada,L,ada@x.example\ne2,Ren'), Buffer.from([0xe9]), Buffer.from(',L,ren@x.example\n')]);
    writeFileSync(join(dir, 'latin1.csv'), latin1);
    writeFileSync(join(dir, 'utf16.csv'), Buffer.from('\uFEFFid,firstName\n', 'utf16le'));
    const fresh = join(dir, 'untouched.db');
    const latin = roster(['import', 'latin1.csv', '--db', `file:${fresh}`], dir);
    expect(latin).toMatchObject({ code: 2, stdout: '', stderr: 'roster: latin1.csv:3: import file is not UTF-8 text (save it as UTF-8 and run again)\n' });
    expect(roster(['import', 'utf16.csv', '--db', `file:${fresh}`], dir).stderr).toBe('roster: utf16.csv:1: import file is not UTF-8 text (save it as UTF-8 and run again)\n');
    expect(existsSync(fresh)).toBe(false);
  });

  it('refuses an empty file, a header without records and a bad header without counting records it never read', () => {
    writeFileSync(join(dir, 'empty.csv'), '');
    writeFileSync(join(dir, 'header.csv'), '\uFEFFid,firstName,lastName,email\r\n\r\n');
    writeFileSync(join(dir, 'twice.csv'), 'id,firstName,lastName,email,email\ne1,Ada,L,ada@x.example,ada@y.example\n');
    const refused = (name: string, line: string) => {
      const result = roster(['import', name, '--db', db], dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`${name}:${line}\n`);
      expect(result.stdout).toMatch(new RegExp(`^import \\S+: refused ${name}: no records could be read; nothing was imported\\n$`));
    };
    refused('empty.csv', '1: file has no records');
    refused('header.csv', '1: file has no records');
    refused('twice.csv', '1: column `email` appears twice (columns 4 and 5)');
  });

  it('never activates rules with errors, and names a --rules DIR that is not there, importing nothing either way', async () => {
    const tree = tempTree({ 'workers.csv': 'id,firstName,lastName,email\ne1,Ada,L,ada@x.example\n', 'broken/a.yaml': 'kind: assignment\nid: x\nwhen: { fact: 3 }\n' });
    const fresh = `file:${join(tree, 'fresh.db')}`;
    const broken = roster(['import', 'workers.csv', '--rules', 'broken', '--db', fresh], tree);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^roster: import: rules `broken` have \d+ errors \(first: broken\/a\.yaml:1: .*\); nothing was imported \(see `roster check broken`\)\n$/);
    const missing = roster(['import', 'workers.csv', '--rules', 'nope', '--db', fresh], tree);
    expect(missing).toMatchObject({ code: 2, stderr: 'roster: rules directory `nope` does not exist\n' });
    const db = await openLibsql({ url: fresh });
    try {
      const counts = await db.all<{ n: number }>(sql`SELECT (SELECT count(*) FROM identities) + (SELECT count(*) FROM rule_set_versions) + (SELECT count(*) FROM import_runs) AS n`);
      expect(Number(counts[0]?.n)).toBe(0);
    } finally {
      db.$client.close();
    }
  });

  it('reports an import that kept losing the race to another writer as such, not as `0 of 1 records invalid` at line 0', async () => {
    const raced = await openLibsql({ url: ':memory:' });
    try {
      await migrate(raced);
      const ctx = { at: '2025-06-02T08:00:00.000Z', actor: 'test' };
      await runImport(raced, { runId: 'first', text: 'id,firstName,lastName,email\ne1,Ada,L,ada@x.example\n' }, ctx);
      // Another writer changes the identity between every read and write (embedded libSQL runs the statement at once).
      const onProgress = async (p: ImportProgress) => {
        if (p.phase === 'write' && p.done === 0) await raced.run(sql`UPDATE identities SET version = version + 1`);
      };
      const result = await runImport(raced, { runId: 'raced', text: 'id,firstName,lastName,email\ne1,Ada,Lee,ada@x.example\n', onProgress }, ctx);
      const out: string[] = [];
      const err: string[] = [];
      report('feed.csv', result, { out: (t) => out.push(t), err: (t) => err.push(t) });
      expect(err).toEqual(['feed.csv: identities changed while importing']);
      expect(out).toEqual(['import raced: refused feed.csv: nothing was imported; run it again']);
      expect((await getIdentity(raced, 'e1'))?.profile.lastName).toBe('L');
    } finally {
      raced.$client.close();
    }
  });

  it('draws a progress bar with \\r and clears it', () => {
    const written: string[] = [];
    const bar = progressBar({ write: (t: string) => written.push(t) });
    bar.update({ phase: 'write', done: 50, total: 100 });
    bar.update({ phase: 'write', done: 100, total: 100 });
    bar.done();
    expect(written[0]).toMatch(/^\rwriting\s+\[#{15}\.{15}\]\s+50% 50\/100/);
    expect(written.at(-1)).toBe('\r\x1b[K');
  });
});

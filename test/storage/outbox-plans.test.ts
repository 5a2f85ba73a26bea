// The query plans of the statements that plan users against a large waiting outbox. Work that
// waits (an agent's LDAP queue, manual tasks, a dispatcher behind, a quarantined app) can reach
// hundreds of thousands of rows, and SQLite, left to itself, read a user's waiting actions
// through the status index: every waiting row of everyone, for each planned user. A second HR
// import of 5,000 workers took 25 times the first (217 s against 8.7 s), and every login read
// the whole queue. So: record every statement a re-import and a login's check run, on a real
// libSQL file, and ask SQLite how it runs each one that reads the outbox: never through the
// status index alone, never a scan of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InArgs, InStatement } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../engine/compile.ts';
import { loadRulesDir } from '../../edge/cli/load-rules.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { nothingToWrite } from '../../edge/db/repos/runs.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { importWorkers } from '../../edge/import/service.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { demoWorkers, toCsv } from '../../scripts/gen-demo-hr.ts';

const dir = mkdtempSync(join(tmpdir(), 'roster-outbox-plans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { at: '2025-06-02T08:00:00.000Z', actor: 'test' };

type Recorded = { sql: string; args: InArgs };

/** Every statement `db` runs from now on, as it ran (batches one by one), until `stop()`. */
function record(db: LibsqlDb): { seen: Recorded[]; stop(): void } {
  const seen: Recorded[] = [];
  const client = db.$client;
  const add = (stmt: InStatement | string, args?: InArgs) => seen.push(typeof stmt === 'string' ? { sql: stmt, args: args ?? [] } : { sql: stmt.sql, args: stmt.args ?? [] });
  const { execute, batch } = client;
  const run = execute.bind(client) as (stmt: InStatement | string, args?: InArgs) => ReturnType<typeof execute>;
  client.execute = ((stmt: InStatement | string, args?: InArgs) => (add(stmt, args), run(stmt, args))) as typeof client.execute;
  client.batch = ((stmts: InStatement[], mode?: Parameters<typeof batch>[1]) => (stmts.forEach((s) => add(s)), batch.call(client, stmts, mode))) as typeof client.batch;
  return {
    seen,
    stop: () => {
      client.execute = execute;
      client.batch = batch;
    },
  };
}

/** SQLite's plan lines for each recorded statement that reads the outbox, which read it badly. */
async function badOutboxReads(db: LibsqlDb, statements: readonly Recorded[]): Promise<string[]> {
  const bad: string[] = [];
  for (const { sql, args } of statements) {
    if (!/"outbox"/.test(sql) || /^\s*insert into "outbox"/i.test(sql)) continue;
    const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
    for (const row of plan.rows) {
      const detail = String(row.detail);
      // `outbox`, or an alias of it: a scan, or a search by status alone (outbox_due).
      if (/^SCAN (outbox|o|later)\b(?! USING COVERING INDEX outbox_(run|user))/.test(detail) || /USING INDEX outbox_due \(status=\?\)$/.test(detail)) bad.push(`${detail}\n    in ${sql.slice(0, 300)}`);
    }
  }
  return bad;
}

describe('outbox reads when planning users against a large waiting queue', () => {
  let db: LibsqlDb;
  const workers = demoWorkers(400, 7);

  it('a second HR import reads each planned user\'s waiting work by user, not the whole queue', async () => {
    db = await openLibsql({ url: `file:${join(dir, 'roster.db')}` });
    await migrate(db);
    const files = loadRulesDir('rules', process.cwd()).rules;
    await saveRuleSet(db, { version: compileRules(files).ruleSet.version, files, source: 'rules/' }, ctx, { activate: true });
    const runtime = await createRuntime({ db, now: () => ctx.at, log: () => {} });
    const first = await importWorkers(runtime, { runId: 'first', text: toCsv(workers), fileName: 'workers.csv', plan: true }, ctx);
    expect(first.run.status).toBe('done');
    const waiting = await db.$client.execute("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
    expect(Number(waiting.rows[0]?.n)).toBeGreaterThan(1000);

    // Everyone's title changes: their accounts are planned again, their waiting creates retired.
    const recording = record(db);
    const changed = workers.map((row) => row.map((value, i) => (i === 5 ? `${value} II` : value)));
    const second = await importWorkers(runtime, { runId: 'second', text: toCsv(changed), fileName: 'workers.csv', plan: true }, ctx);
    recording.stop();
    expect(second.run.status).toBe('done');
    const seen = recording.seen;
    expect(seen.some((s) => /json_each/.test(s.sql) && /"outbox"/.test(s.sql))).toBe(true);
    expect(await badOutboxReads(db, seen)).toEqual([]);
  });

  it('a login\'s "anything to write?" check reads that user\'s rows only', async () => {
    const id = workers[3]?.[0] as string;
    const ids = (await db.$client.execute({ sql: 'SELECT id FROM outbox WHERE user_id = ?', args: [id] })).rows.map((r) => String(r.id));
    expect(ids.length).toBeGreaterThan(0);
    const recording = record(db);
    await nothingToWrite(db, [id], ids);
    recording.stop();
    const seen = recording.seen;
    expect(seen).toHaveLength(1);
    expect(await badOutboxReads(db, seen)).toEqual([]);
  });
});

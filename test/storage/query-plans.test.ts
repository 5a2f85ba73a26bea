// The query plans of what planning users runs against a large waiting outbox. Work that waits
// (an agent's LDAP queue, manual tasks, a dispatcher behind, a quarantined app) can reach
// hundreds of thousands of rows, and SQLite, left to itself, read a user's waiting actions
// through the status index: every waiting row of everyone, for each planned user. A second HR
// import of 5,000 workers took 25 times the first (217 s against 8.7 s), and every login read
// the whole queue. So: record every statement a re-import, a login and one user's lifecycle
// operations run, on a real libSQL file, and ask SQLite how it runs each: no table that grows
// with the population read whole, no user's outbox rows found through the status index.
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
import type { Runtime } from '../../edge/runtime.ts';
import { createIdentity, getIdentities, updateIdentity } from '../../edge/db/repos/identities.ts';
import { loadRuleSet } from '../../edge/services/engine.ts';
import { planIdentities } from '../../edge/jit/plan-users.ts';
import { applyLifecycle } from '../../edge/services/lifecycle.ts';
import { provisionNow } from '../../edge/services/provision-now.ts';
import { demoWorkers, toCsv } from '../../scripts/gen-demo-hr.ts';

const dir = mkdtempSync(join(tmpdir(), 'roster-outbox-plans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { at: '2025-06-02T08:00:00.000Z', actor: 'test' };
const FILE = `file:${join(dir, 'roster.db')}`;

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

/** Tables that grow with the population. */
const BIG = ['identities', 'memberships', 'app_accounts', 'app_group_members', 'outbox', 'audit_events', 'runs', 'manual_tasks', 'scim_resources', 'run_retirements', 'run_status_changes', 'app_import_items', 'drift_findings', 'jit_bindings'];

/**
 * SQLite's plan lines, for each recorded statement, that read a big table whole or some users'
 * outbox rows through the status index. Asked on a connection of its own: libsql leaves an EXPLAIN's statement in
 * progress, which fails the next COMMIT on its connection.
 */
async function badOutboxReads(statements: readonly Recorded[]): Promise<string[]> {
  const bad: string[] = [];
  const explainer = await openLibsql({ url: FILE });
  try {
    for (const { sql, args } of statements) {
      if (/^\s*(select|update|delete|insert|with)/i.test(sql)) bad.push(...(await badLines(explainer, sql, args)));
    }
  } finally {
    explainer.$client.close();
  }
  return bad;
}

async function badLines(db: LibsqlDb, sql: string, args: InArgs): Promise<string[]> {
  const bad: string[] = [];
  {
    const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
    // A walk in key order that stops at its LIMIT (the audit head: `ORDER BY seq DESC LIMIT 1`) reads what it returns.
    const stopsEarly = /\blimit\b/i.test(sql) && !plan.rows.some((r) => /TEMP B-TREE/.test(String(r.detail)));
    const aliases = new Map([...sql.matchAll(/"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?\s+(?:INDEXED|ON|JOIN|WHERE|,|\))/gi)].map((m) => [m[2] as string, m[1] as string]));
    for (const row of plan.rows) {
      const detail = String(row.detail);
      const scanned = /^SCAN (\w+)/.exec(detail)?.[1];
      const table = scanned === undefined ? undefined : (aliases.get(scanned) ?? scanned);
      if (table !== undefined && BIG.includes(table) && !stopsEarly && !/USING COVERING INDEX/.test(detail)) bad.push(`${detail}\n    in ${sql.slice(0, 300)}`);
      // Some users' rows found through the status index: every row of that status, for each of them.
      if (/USING INDEX outbox_due \(status=\?\)$/.test(detail) && /user_id/.test(sql)) bad.push(`${detail}\n    in ${sql.slice(0, 300)}`);
    }
  }
  return bad;
}

describe('reads when planning users against a large waiting queue', () => {
  let db: LibsqlDb;
  let runtime: Runtime;
  const workers = demoWorkers(400, 7);

  it('a second HR import reads each planned user\'s waiting work by user, not the whole queue', async () => {
    db = await openLibsql({ url: FILE });
    await migrate(db);
    const files = loadRulesDir('rules', process.cwd()).rules;
    await saveRuleSet(db, { version: compileRules(files).ruleSet.version, files, source: 'rules/' }, ctx, { activate: true });
    runtime = await createRuntime({ db, now: () => ctx.at, log: () => {} });
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
    expect(await badOutboxReads(seen)).toEqual([]);
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
    expect(await badOutboxReads(seen)).toEqual([]);
  });

  it('a login\'s plan, a suspension and its reversal, provision-now and a login\'s uniqueness read that user\'s rows, not the population\'s', async () => {
    const id = workers[5]?.[0] as string;
    const [identity] = await getIdentities(db, [id]);
    const ruleSet = await loadRuleSet(db);
    if (!identity || !ruleSet) throw new Error('the import above wrote no identity or rule set');
    const recording = record(db);
    await planIdentities(db, ruleSet, [identity], { kind: 'jit', runId: 'login' }, ctx);
    expect((await applyLifecycle(runtime, id, 'suspend', ctx)).user?.status).toBe('SUSPENDED');
    await applyLifecycle(runtime, id, 'unsuspend', ctx);
    await provisionNow(runtime, id, ctx);
    // A new login, and a login changed, each checked against every other in any case.
    expect((await createIdentity(db, { id: 'n1', login: 'New.Hire@acme.example', profile: {} }, ctx, { login: 'ignore-case' })).ok).toBe(true);
    expect((await updateIdentity(db, 'n1', 1, { login: 'new.hire2@acme.example' }, ctx, { login: 'ignore-case' })).ok).toBe(true);
    recording.stop();
    expect(recording.seen.length).toBeGreaterThan(10);
    expect(await badOutboxReads(recording.seen)).toEqual([]);
  });
});

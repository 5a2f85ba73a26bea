// A real Roster server for the browser suites: the Hono app on Node over a fresh libSQL file,
// the demo rules active, the example HR feed imported, one held run, and the built UI (and, for
// the app-delivery suite, an app connected to its SCIM peer: ROSTER_E2E_SCIM_URL).
// Run as a child process; prints one JSON line `{url, token, heldRunId}` when listening.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { compileRules } from '../../engine/compile.ts';
import { makeContext } from '../../engine/context.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { plan } from '../../engine/plan.ts';
import { createApp } from '../../edge/app.ts';
import { importFromApp } from '../../edge/connectors/sync/import.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { recordAccounts } from '../../edge/db/repos/accounts.ts';
import { addMemberships, createGroup } from '../../edge/db/repos/groups.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { loadRulesDir } from '../../edge/cli/load-rules.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import { createRun } from '../../edge/db/repos/runs.ts';
import { DOCS_ASSETS, serveDocsAssets, serveUi } from '../../edge/entry/ui-static.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { seedDelivery } from './seed-delivery.ts';

const root = join(import.meta.dirname, '../..');
const dbFile = process.env.ROSTER_E2E_DB;
if (!dbFile) throw new Error('set ROSTER_E2E_DB to a temp file path');

const db = await openLibsql({ url: `file:${dbFile}` });
await migrate(db);
const runtime = await createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => undefined });
const ctx = { at: runtime.now(), actor: 'e2e-setup' };

const rules = loadRulesDir('rules', root).rules.map((f) => ({ path: f.path.replace(/^rules\//, ''), text: f.text }));
const compiled = compileRules(rules);
await saveRuleSet(db, { version: compiled.ruleSet.version, files: rules, source: 'rules/' }, ctx, { activate: true });
const { token } = await createToken(db, { scope: 'admin', name: 'e2e admin' }, ctx);
const { token: readToken } = await createToken(db, { scope: 'read', name: 'e2e reader' }, ctx);

const app = createApp(runtime, undefined, { docsAssets: DOCS_ASSETS });
// Routes must all exist before the first request builds Hono's matcher.
serveUi(app);
serveDocsAssets(app);
const csv = readFileSync(join(root, 'examples/users.csv'), 'utf8');
const imported = await app.request('/v1/imports?plan=false', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv });
if (imported.status >= 300) throw new Error(`seeding users failed: ${imported.status} ${await imported.text()}`);

// Ada (e1001) has accounts as last observed in two apps and two groups; the legacy payroll, which
// knows people by last name, was imported: its `Rossi` fits two identities and waits for an admin.
await saveApp(db, { id: 'github', name: 'GitHub Enterprise', connector: 'scim', config: {} }, ctx);
await saveApp(db, { id: 'payroll-legacy', name: 'Legacy US payroll', connector: 'manual', config: { match: [{ user: 'email', app: 'mail' }, { user: 'lastName', app: 'sn' }] } }, ctx);
await recordAccounts(db, [
  { userId: 'e1001', appId: 'github', status: 'active', externalId: 'gh-1001', role: 'developer', attributes: { login: 'acme-ada-lovelace', email: 'ada.lovelace@acme.example' } },
  { userId: 'e1001', appId: 'payroll-legacy', status: 'suspended', externalId: 'PR-1001', attributes: { fullName: 'Lovelace, Ada' } },
], ctx);
// Jira holds 150 accounts of people Roster does not know (orphans): more than one page of them.
await recordAccounts(
  db,
  Array.from({ length: 150 }, (_, i) => ({ userId: `x${String(i).padStart(4, '0')}`, appId: 'jira', status: 'active' as const, externalId: `jira-${i}`, attributes: {} })),
  ctx,
);
await createGroup(db, { id: 'engineering', name: 'Engineering', description: null, source: 'rules' }, ctx);
await addMemberships(db, [{ userId: 'e1001', groupId: 'engineering', source: 'rules' }], ctx);
const payroll = await importFromApp(runtime, 'payroll-legacy', async () => ({
  ok: true,
  requests: 1,
  groups: [],
  accounts: [
    { externalId: 'PR-1001', attributes: { sn: 'Lovelace', fullName: 'Lovelace, Ada' }, active: true },
    { externalId: 'PR-2024', attributes: { sn: 'Rossi', fullName: 'Rossi, M.' }, active: true },
  ],
}));
if (payroll.counts.disputed !== 1) throw new Error(`seeding a disputed match failed: ${JSON.stringify(payroll.counts)}`);

// A reconcile run held by a deletion threshold: every example user deprovisioned from github.
const users = JSON.parse(readFileSync(join(root, 'examples/users.json'), 'utf8')) as { id: string }[];
const asOf = runtime.now();
const gone = users.map((u) => ({ ...u, status: 'DEPROVISIONED' as const }));
const observed = { accounts: users.map((u) => ({ userId: u.id, appId: 'github', status: 'active' as const })), memberships: [] };
const held = plan(compiled.ruleSet, evaluate(compiled.ruleSet, gone as never, makeContext(asOf)), observed, makeContext(asOf));
const heldRunId = 'run-e2e-held';
const created = await createRun(
  db,
  { id: heldRunId, kind: 'reconcile', status: 'held', ruleSetVersion: compiled.ruleSet.version, asOf, summary: { actions: held.actions.length }, heldReasons: [`\`github\`: ${held.actions.length} deactivations exceed the limit of 5`] },
  held.actions,
  // Planned now, after the users above were imported: a run older than its users cannot be approved.
  { ...ctx, at: asOf },
);
if (!created.ok) throw new Error(created.message);

// The app-delivery suite passes its SCIM peer: AWS is connected to it, with an outage's leftovers.
const peer = process.env.ROSTER_E2E_SCIM_URL;
if (peer) await seedDelivery(runtime, peer, ctx);

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, token, readToken, heldRunId })}\n`);
});
// Stopped as a crash would stop it: keep-alive connections a browser holds, or keeps sending on
// (a page read in a loop), would otherwise keep the process up, and a test waiting for it hangs.
const stop = () => {
  server.close(() => process.exit(0));
  if ('closeAllConnections' in server) server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

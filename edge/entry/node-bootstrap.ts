// What `npm start` does before it listens: open (and migrate) the database, load `rules/` as
// the active rule set (unless it is unchanged and an admin activated another since), import
// the demo HR feed on the first start only, reconcile once, and mint a one-time admin token.
// Everything durable is in the database: a restart resumes.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { createToken } from '../auth/tokens.ts';
import { loadRulesDir } from '../cli/load-rules.ts';
import type { WriteContext } from '../db/index.ts';
import { openLibsql } from '../db/libsql.ts';
import type { LibsqlDb } from '../db/libsql.ts';
import { migrate } from '../db/migrate.ts';
import { getActiveRuleSet, getRuleSet, saveRuleSet } from '../db/repos/rule-sets.ts';
import { sealStoredSecrets } from '../services/app-secrets.ts';
import { identities, importRuns } from '../db/schema.ts';
import { importWorkers } from '../import/service.ts';
import { activeRules } from '../jit/active-rules.ts';
import type { Runtime } from '../runtime.ts';
import { createRuntime } from '../runtime.ts';
import { importSealKey } from '../services/passwords.ts';
import { reconcile } from '../services/reconcile.ts';
import { compileRules } from '../../engine/compile.ts';

export interface NodeConfig {
  host: string;
  port: number;
  dataDir: string;
  dbUrl: string;
  dbAuthToken?: string;
  rulesDir: string;
  /** The demo HR feed imported on the first start (none: skip). */
  demoFile?: string;
  sealKey?: string;
}

export function readConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): NodeConfig {
  const dataDir = resolve(cwd, env.ROSTER_DATA_DIR || 'data');
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT \`${env.PORT}\` is not a port number`);
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir,
    dbUrl: env.LIBSQL_URL || `file:${join(dataDir, 'roster.db')}`,
    ...(env.LIBSQL_AUTH_TOKEN ? { dbAuthToken: env.LIBSQL_AUTH_TOKEN } : {}),
    rulesDir: resolve(cwd, env.ROSTER_RULES_DIR ?? 'rules'),
    ...(env.ROSTER_DEMO === '0' ? {} : { demoFile: resolve(cwd, env.ROSTER_DEMO_FILE ?? 'examples/hr/workers.csv') }),
    ...(env.ROSTER_SEAL_KEY ? { sealKey: env.ROSTER_SEAL_KEY } : {}),
  };
}

/** `ROSTER_SEAL_KEY`, else `DATA/seal.key`, generated once (mode 0600). */
export async function loadSealKey(config: NodeConfig): Promise<CryptoKey> {
  if (config.sealKey) return importSealKey(config.sealKey).catch((error: Error) => Promise.reject(new Error(`ROSTER_SEAL_KEY: ${error.message}`)));
  const path = join(config.dataDir, 'seal.key');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    const key = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
    try {
      writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return importSealKey(readFileSync(path, 'utf8').trim()).catch((error: Error) => Promise.reject(new Error(`${path}: ${error.message}`)));
}

/** Whether `host:port` can be listened on, found out by listening: an error naming why not. */
export async function portFree(host: string, port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use: stop what holds it or set PORT` : `cannot listen on ${host}:${port} (${error.code ?? error.message}): set HOST or PORT`)),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

export interface Started {
  runtime: Runtime;
  db: LibsqlDb;
  adminToken: string;
  notes: string[];
}

export async function bootstrap(config: NodeConfig, log: Runtime['log']): Promise<Started> {
  // A bad seal key is found before the database is touched.
  const sealKey = await loadSealKey(config);
  const db = await openLibsql({ url: config.dbUrl, ...(config.dbAuthToken ? { authToken: config.dbAuthToken } : {}) });
  await migrate(db);
  // Paths start at the rules directory's own name (`rules/apps/github.yaml`), as `roster check`
  // prints them: never the server's absolute path, which rule sets, diagnostics and the API show.
  const files = () => Promise.resolve(loadRulesDir(basename(config.rulesDir), dirname(config.rulesDir)).rules);
  const runtime = await createRuntime({ db, log, sealKey, rules: { load: files } });
  const ctx = (): WriteContext => ({ at: runtime.now(), actor: 'system:start' });
  const notes: string[] = [];
  const sealed = await sealStoredSecrets(runtime, ctx());
  if (sealed.length > 0) notes.push(`sealed the connector secrets stored in the clear of ${sealed.map((id) => `\`${id}\``).join(', ')}`);

  const ruleFiles = await files();
  const { ruleSet, diagnostics } = compileRules(ruleFiles);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) notes.push(`rules: ${errors.length} errors (run \`npx roster check\`); broken rules are skipped`);
  // `rules/` is activated when it says something new. A version already known but not active
  // means an admin activated another since (the Rules screen, an upload): a restart keeps theirs.
  const known = await getRuleSet(db, ruleSet.version);
  const active = await getActiveRuleSet(db);
  if (known && !known.active && active) notes.push(`rules: \`${basename(config.rulesDir)}/\` is unchanged since it was loaded (version ${ruleSet.version.slice(0, 12)}); the rule set activated since (${active.version.slice(0, 12)}, ${active.source}) stays active`);
  else await saveRuleSet(db, { version: ruleSet.version, files: ruleFiles, source: 'rules/' }, ctx(), { activate: true });

  if (config.demoFile && existsSync(config.demoFile) && (await firstStart(db))) {
    const result = await importWorkers(runtime, { runId: runtime.newId(), text: readFileSync(config.demoFile, 'utf8'), fileName: relative(process.cwd(), config.demoFile) || config.demoFile }, ctx());
    notes.push(`imported the demo HR feed: ${result.run.created} workers${result.errors.length ? `, ${result.errors.length} errors` : ''}`);
  }
  const reconciled = await reconcileAll(runtime, ctx());
  notes.push(`reconciled ${reconciled.users} identities: ${reconciled.queued} new actions queued`);
  const { token } = await createToken(db, { scope: 'admin', name: 'npm start' }, ctx());
  return { runtime, db, adminToken: token, notes };
}

/** No identity and no finished import yet: the demo feed has never been loaded here. */
async function firstStart(db: LibsqlDb): Promise<boolean> {
  const [people] = await db.select({ n: count() }).from(identities);
  const [imports] = await db.select({ n: count() }).from(importRuns).where(eq(importRuns.status, 'done'));
  return Number(people?.n ?? 0) === 0 && Number(imports?.n ?? 0) === 0;
}

/** Plans every identity once (the reconcile service); actions already queued are not queued twice. */
export async function reconcileAll(runtime: Runtime, ctx: WriteContext): Promise<{ users: number; queued: number }> {
  if (!(await activeRules(runtime.db))) return { users: 0, queued: 0 };
  const { run, queued } = await reconcile(runtime, {}, ctx);
  return { users: Number(run.summary.users ?? 0), queued };
}

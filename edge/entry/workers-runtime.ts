// The Runtime on Cloudflare Workers, built from the Worker's env: D1 (or libSQL over HTTP when
// LIBSQL_URL is set), Queues for `enqueue`, the seal key from a secret. Built once per isolate
// and env, after the embedded migrations have been applied (one query when they already are).
import type { AnyD1Database } from 'drizzle-orm/d1';
import { openD1 } from '../db/d1.ts';
import type { Db } from '../db/index.ts';
import { openLibsqlWeb } from '../db/libsql-web.ts';
import { migrate } from '../db/migrate.ts';
import type { QueueProducer } from '../queues/bindings.ts';
import { queueEnqueuer } from '../queues/producer.ts';
import type { Runtime } from '../runtime.ts';
import { createRuntime } from '../runtime.ts';
import { importSealKey } from '../services/passwords.ts';
import { storeBootstrapToken } from './bootstrap-token.ts';
import type { AssetsBinding } from './ui-assets.ts';

/** The bindings, vars and secrets wrangler.toml declares. */
export interface WorkersEnv {
  DB: AnyD1Database;
  DISPATCH_QUEUE: QueueProducer<unknown>;
  RECONCILE_QUEUE: QueueProducer<unknown>;
  /** Secret: 32 bytes in base64 (`openssl rand -base64 32 | wrangler secret put ROSTER_SEAL_KEY`). */
  ROSTER_SEAL_KEY?: string;
  /** Secret: the first admin token (`rst_admin_…`), stored hashed at start while no admin token exists. */
  ROSTER_BOOTSTRAP_TOKEN?: string;
  /** Secrets: a libSQL server (Turso, sqld) to use instead of D1. */
  LIBSQL_URL?: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** The admin UI's files (ui/dist), from wrangler.toml's `[assets]`. */
  ASSETS?: AssetsBinding;
  /** Identities per reconcile shard (default 500). */
  ROSTER_RECONCILE_SHARD_SIZE?: string;
}

const runtimes = new WeakMap<WorkersEnv, Promise<Runtime>>();

export function workersRuntime(env: WorkersEnv): Promise<Runtime> {
  let runtime = runtimes.get(env);
  if (!runtime) {
    runtime = build(env);
    runtimes.set(env, runtime);
    // A failed start (database unreachable, bad secret) is retried by the next request.
    runtime.catch(() => runtimes.delete(env));
  }
  return runtime;
}

async function build(env: WorkersEnv): Promise<Runtime> {
  if (!env.ROSTER_SEAL_KEY) throw new Error('ROSTER_SEAL_KEY is not set: `openssl rand -base64 32 | npx wrangler secret put ROSTER_SEAL_KEY` (locally: a line in .dev.vars)');
  const db: Db = env.LIBSQL_URL ? openLibsqlWeb({ url: env.LIBSQL_URL, ...(env.LIBSQL_AUTH_TOKEN ? { authToken: env.LIBSQL_AUTH_TOKEN } : {}) }) : openD1(env.DB);
  await migrate(db);
  if (env.ROSTER_BOOTSTRAP_TOKEN) await storeBootstrapToken(db, env.ROSTER_BOOTSTRAP_TOKEN, new Date().toISOString());
  return createRuntime({
    db,
    sealKey: await importSealKey(env.ROSTER_SEAL_KEY),
    enqueue: queueEnqueuer({ dispatch: env.DISPATCH_QUEUE, reconcile: env.RECONCILE_QUEUE }),
  });
}

export function shardSize(env: WorkersEnv): number | undefined {
  const n = Number(env.ROSTER_RECONCILE_SHARD_SIZE);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

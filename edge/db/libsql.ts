// libSQL on Node: an embedded file by default (`npm start` needs nothing else), or a remote
// `libsql://`/`https://` URL with a token (Turso, sqld). The caller reads LIBSQL_URL and
// LIBSQL_AUTH_TOKEN; this file only connects.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient } from '@libsql/client';
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import type { Db } from './index.ts';
import { setParamLimit } from './index.ts';
import * as schema from './schema.ts';

export const DEFAULT_LIBSQL_URL = 'file:./data/roster.db';

export interface LibsqlOptions {
  url?: string;
  authToken?: string;
  /** How long a writer waits for another's lock on an embedded file (ms). */
  busyTimeoutMs?: number;
}

export type LibsqlDb = Db & { $client: Client };

export async function openLibsql(options: LibsqlOptions = {}): Promise<LibsqlDb> {
  const url = options.url ?? DEFAULT_LIBSQL_URL;
  const file = localPath(url);
  if (file !== undefined) mkdirSync(dirname(file), { recursive: true });
  // One connection for an embedded file: every statement runs synchronously on this thread, so
  // a pool buys no parallelism, and the PRAGMAs below hold only for the connection they ran on
  // (a pooled second connection had neither the busy timeout nor WAL's synchronous setting).
  const client = createClient({ url, ...(options.authToken ? { authToken: options.authToken } : {}), ...(file !== undefined ? { concurrency: 1 } : {}) });
  if (file !== undefined) {
    // WAL lets readers (API, reports) run beside the writer; the timeout queues writers
    // (CLI beside a running server) instead of failing them with SQLITE_BUSY. In WAL mode
    // `synchronous=NORMAL` is SQLite's own advice: a commit survives the process being killed
    // and the file is never corrupted; only an OS crash or power cut can take back the last
    // commits. It saves an fsync per commit, which was most of a write's time.
    await client.execute('PRAGMA journal_mode=WAL');
    await client.execute('PRAGMA synchronous=NORMAL');
    await client.execute(`PRAGMA busy_timeout=${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  }
  const db: LibsqlDb = drizzle(client, { schema });
  // Far below SQLite's 32766 bound values, large enough that bulk inserts are few statements.
  setParamLimit(db, 4000);
  return db;
}

/** The file behind a `file:` URL, or undefined for memory and remote databases. */
function localPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = url.slice('file:'.length).split('?')[0] ?? '';
  if (path === '' || path === ':memory:') return undefined;
  return path.startsWith('//') ? path.slice(2) : path;
}

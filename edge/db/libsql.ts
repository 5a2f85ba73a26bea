// libSQL on Node: an embedded file by default (`npm start` needs nothing else), or a remote
// `libsql://`/`https://` URL with a token (Turso, sqld). The caller reads LIBSQL_URL and
// LIBSQL_AUTH_TOKEN; this file only connects.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createClient } from '@libsql/client';
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { openEmbedded } from './libsql-embedded.ts';
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
  // An embedded file or memory database runs on one connection with its statements kept
  // prepared (./libsql-embedded.ts): every statement runs synchronously on this thread, so more
  // connections would buy no parallelism, and the PRAGMAs below hold for the one they ran on.
  const embedded = file ?? (isMemory(url) ? ':memory:' : undefined);
  const client = embedded !== undefined ? openEmbedded(embedded) : createClient({ url, ...(options.authToken ? { authToken: options.authToken } : {}) });
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

function isMemory(url: string): boolean {
  return url === ':memory:' || url === 'file::memory:';
}

/** The file behind a `file:` URL, or undefined for memory and remote databases. */
function localPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  if (url.includes('?')) throw new Error(`LIBSQL_URL ${url}: an embedded file takes no options after \`?\` (write file:PATH)`);
  const path = url.slice('file:'.length);
  if (path === '' || path === ':memory:') return undefined;
  return path.startsWith('//') ? path.slice(2) : path;
}

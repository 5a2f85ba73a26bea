// The database a `roster` command works on: `--db URL`, else LIBSQL_URL (+ LIBSQL_AUTH_TOKEN),
// else the embedded file the server uses (`roster.db` in ROSTER_DATA_DIR, default ./data), so a
// token created here is one `npm start` accepts. Migrated before use, so a command on a fresh
// checkout works without `npm start` first.
// The database modules load on first use, so `roster check` does not pay for them.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { LibsqlDb } from '../../db/libsql.ts';
import type { CliIo, OptionSpec, ParsedArgs } from '../command.ts';
import { CliError, optionalString } from '../command.ts';

export const dbOption: OptionSpec = { db: { type: 'string' } };

export const DB_USAGE = `  --db URL          database: file:PATH, libsql://… or https://… (default: $LIBSQL_URL,
                    else file:$ROSTER_DATA_DIR/roster.db, as npm start: file:./data/roster.db);
                    LIBSQL_AUTH_TOKEN authenticates remote ones`;

/** The server's database (edge/entry/node-bootstrap.ts): LIBSQL_URL, else roster.db in ROSTER_DATA_DIR. */
function serverDatabase(env: NodeJS.ProcessEnv): string {
  return env.LIBSQL_URL || `file:${join(env.ROSTER_DATA_DIR || 'data', 'roster.db')}`;
}

/**
 * Opens, migrates, runs `use`, and always closes the database. With `existing`, a `file:`
 * database that is not there is an error: a command that only reads or revokes must not make an
 * empty database at a mistyped path and report on that (`audit log ok: 0 rows`).
 */
export async function withDatabase<T>(args: ParsedArgs, io: CliIo, command: string, use: (db: LibsqlDb) => Promise<T>, options: { existing?: boolean } = {}): Promise<T> {
  const url = resolveUrl(optionalString(args, 'db') ?? serverDatabase(process.env), io.cwd);
  const path = filePath(url);
  if (options.existing && path !== undefined && !existsSync(path)) {
    throw new CliError(`${command}: database \`${redact(url)}\` does not exist (give \`--db URL\`, or set LIBSQL_URL or ROSTER_DATA_DIR as for npm start)`);
  }
  const authToken = process.env.LIBSQL_AUTH_TOKEN || undefined;
  const [{ openLibsql }, { migrate }] = await Promise.all([import('../../db/libsql.ts'), import('../../db/migrate.ts')]);
  let db: LibsqlDb;
  try {
    db = await openLibsql({ url, authToken });
    await migrate(db);
  } catch (error) {
    throw new CliError(`${command}: cannot open database \`${redact(url)}\`: ${reason(error)}`);
  }
  try {
    return await use(db);
  } finally {
    db.$client.close();
  }
}

/** `file:` paths are relative to where the command runs (tests pass their own cwd). */
function resolveUrl(url: string, cwd: string): string {
  if (url === ':memory:' || !url.startsWith('file:')) return url;
  const path = url.slice('file:'.length);
  if (path === ':memory:' || path.startsWith('//') || isAbsolute(path)) return url;
  return `file:${resolve(cwd, path)}`;
}

/** The local file a `file:` URL names (not `:memory:`), without its `?query`. */
function filePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = url.slice('file:'.length).replace(/\?.*$/, '');
  return path === '' || path === ':memory:' ? undefined : path.replace(/^\/\/(localhost)?(?=\/)/, '');
}

/**
 * Why opening failed, from the innermost causes out: the first message (drizzle's `Failed query:
 * CREATE TABLE …`) says nothing of the refused connection or unknown host beneath it.
 */
function reason(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    if (!message.startsWith('Failed query:') && message !== '' && !parts.includes(message)) parts.push(message);
    if (!(e instanceof Error)) break;
  }
  return parts.join(': ') || 'unknown error';
}

/** URLs may carry credentials (`?authToken=`): never print them. */
function redact(url: string): string {
  return url.replace(/([?&](?:authToken|auth_token|token)=)[^&]*/gi, '$1…').replace(/\/\/[^/@]*@/, '//…@');
}

// The database a `roster` command works on: `--db URL`, else LIBSQL_URL (+ LIBSQL_AUTH_TOKEN),
// else the embedded file the server uses (file:./data/roster.db). Migrated before use, so a
// command on a fresh checkout works without `npm start` first.
// The database modules load on first use, so `roster check` does not pay for them.
import { isAbsolute, resolve } from 'node:path';
import type { LibsqlDb } from '../../db/libsql.ts';
import type { CliIo, OptionSpec, ParsedArgs } from '../command.ts';
import { CliError, optionalString } from '../command.ts';

/** Same as edge/db/libsql.ts DEFAULT_LIBSQL_URL (not imported: see above). */
const DEFAULT_LIBSQL_URL = 'file:./data/roster.db';

export const dbOption: OptionSpec = { db: { type: 'string' } };

export const DB_USAGE = `  --db URL          database: file:PATH, libsql://… or https://… (default: $LIBSQL_URL,
                    else ${DEFAULT_LIBSQL_URL}); LIBSQL_AUTH_TOKEN authenticates remote ones`;

/** Opens, migrates, runs `use`, and always closes the database. */
export async function withDatabase<T>(args: ParsedArgs, io: CliIo, command: string, use: (db: LibsqlDb) => Promise<T>): Promise<T> {
  const url = resolveUrl(optionalString(args, 'db') ?? process.env.LIBSQL_URL ?? DEFAULT_LIBSQL_URL, io.cwd);
  const authToken = process.env.LIBSQL_AUTH_TOKEN || undefined;
  const [{ openLibsql }, { migrate }] = await Promise.all([import('../../db/libsql.ts'), import('../../db/migrate.ts')]);
  let db: LibsqlDb;
  try {
    db = await openLibsql({ url, authToken });
    await migrate(db);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliError(`${command}: cannot open database \`${redact(url)}\`: ${message}`);
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

/** URLs may carry credentials (`?authToken=`): never print them. */
function redact(url: string): string {
  return url.replace(/([?&](?:authToken|auth_token|token)=)[^&]*/gi, '$1…').replace(/\/\/[^/@]*@/, '//…@');
}

// libSQL over HTTP/WebSockets for runtimes without a filesystem (Workers): no embedded file,
// no native module. Same `Db` as every other driver.
import { createClient } from '@libsql/client/web';
import type { Client } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { Db } from './index.ts';
import * as schema from './schema.ts';

export type LibsqlWebDb = Db & { $client: Client };

export function openLibsqlWeb(options: { url: string; authToken?: string }): LibsqlWebDb {
  const client = createClient(options.authToken ? { url: options.url, authToken: options.authToken } : { url: options.url });
  return drizzle(client, { schema });
}

// Test helpers for connectors: a migrated database, actions, connector deps.
import type { Action, ActionType, Json } from '../../engine/types.ts';
import type { ConnectorDeps, Mailer } from '../../edge/connectors/types.ts';
import type { Db } from '../../edge/db/index.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';

export async function memoryDb(): Promise<Db> {
  const db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  return db;
}

let n = 0;
let ids = 0;
export function action(type: ActionType, fields: Partial<Action> & { attributes?: Record<string, Json> } = {}): Action {
  return { id: `${type}-${++n}`, type, reason: { summary: 'test', rules: [], version: 'v1', matched: [] }, ...fields };
}

export function deps(db: Db, appId = 'app', extra: Partial<ConnectorDeps> & { mailer?: Mailer } = {}): ConnectorDeps {
  return { appId, appName: appId.toUpperCase(), fetch, now: () => new Date().toISOString(), db, newId: () => `id-${++ids}`, ...extra };
}

// API contexts over fresh in-memory libSQL databases for Node-only API tests (the shared suite
// in suite.ts takes its runtime from each driver instead). Each database closes after its test.
import { afterEach } from 'vitest';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { createRuntime } from '../../edge/runtime.ts';
import type { ApiContext } from './context.ts';
import { setup } from './context.ts';

/** Call once per test file: the factory of its contexts. */
export function memoryApi(): () => Promise<ApiContext> {
  const open: LibsqlDb[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.$client.close();
  });
  return () =>
    setup(async () => {
      const db = await openLibsql({ url: ':memory:' });
      open.push(db);
      await migrate(db);
      return createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => {} });
    });
}

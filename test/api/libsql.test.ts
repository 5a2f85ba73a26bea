// The API suite over embedded libSQL (memory), with a cheap scrypt cost so hashing is fast.
import { afterEach } from 'vitest';
import { migrate } from '../../edge/db/migrate.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { createRuntime } from '../../edge/runtime.ts';
import { apiSuite } from './suite.ts';

const open: LibsqlDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});

apiSuite('libsql :memory:', async () => {
  const db = await openLibsql({ url: ':memory:' });
  open.push(db);
  await migrate(db);
  return createRuntime({ db, scryptCost: { ln: 4, r: 8, p: 1 }, log: () => {} });
});

// The storage suite against libSQL: an embedded file (WAL, as `npm start` uses it) and memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { storageSuite } from './suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'roster-storage-'));
const open: LibsqlDb[] = [];
let n = 0;

afterEach(() => {
  for (const db of open.splice(0)) db.$client.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storageSuite('libsql file', async () => {
  const db = await openLibsql({ url: `file:${join(dir, `db-${++n}`, 'roster.db')}` });
  open.push(db);
  return db;
});

storageSuite('libsql :memory:', async () => {
  const db = await openLibsql({ url: ':memory:' });
  open.push(db);
  return db;
});

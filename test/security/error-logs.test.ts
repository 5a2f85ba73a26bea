// An unexpected database failure is logged so an operator can see what failed (the statement and
// the database's reason), never with the values bound to it: drizzle's error message carries them,
// and they are token hashes, password hashes, sealed secrets and personal data.
import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { onError } from '../../edge/http/errors.ts';
import type { LogEvent } from '../../edge/runtime.ts';

const SECRET = '$scrypt$ln=15,r=8,p=1$c2FsdHNhbHQ$do-not-log-me';
let db: LibsqlDb;
const logs: LogEvent[] = [];
const app = new Hono();

beforeAll(async () => {
  db = await openLibsql({ url: ':memory:' });
  await db.run(sql`CREATE TABLE vault (id TEXT PRIMARY KEY, secret TEXT NOT NULL)`);
  await db.run(sql`INSERT INTO vault VALUES ('a', 'x')`);
  app.onError(onError({ log: (event) => logs.push(event) }));
  // The same id twice: the database refuses, an error nobody handles.
  const fail = async () => {
    await db.run(sql`INSERT INTO vault (id, secret) VALUES (${'a'}, ${SECRET})`);
    return new Response('unreachable');
  };
  app.post('/v1/vault', fail);
  app.post('/scim/v2/Vault', fail);
});
afterAll(() => db.$client.close());

describe('an unexpected database failure', () => {
  for (const path of ['/v1/vault', '/scim/v2/Vault']) {
    it(`(${path}) answers 500 and logs the statement and the reason, not the values bound to it`, async () => {
      logs.length = 0;
      const res = await app.request(path, { method: 'POST' });
      expect(res.status).toBe(500);
      expect(logs).toHaveLength(1);
      const line = JSON.stringify(logs[0]);
      expect(line).toContain('INSERT INTO vault (id, secret) VALUES (?, ?)');
      expect(line).toContain('UNIQUE constraint failed: vault.id');
      expect(line).not.toContain('do-not-log-me');
      expect(await res.text()).not.toContain('do-not-log-me');
    });
  }
});

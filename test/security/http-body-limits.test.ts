// Oversized bodies over real HTTP against the whole app, as `npm start` serves it: whatever the
// content type, with a Content-Length or chunked without one, a body over the limit is a 413
// naming the limit, and nothing is written.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { createToken } from '../../edge/auth/tokens.ts';
import { openLibsql } from '../../edge/db/libsql.ts';
import type { LibsqlDb } from '../../edge/db/libsql.ts';
import { migrate } from '../../edge/db/migrate.ts';
import { DEFAULT_BODY_LIMIT } from '../../edge/http/body-limit.ts';
import { createRuntime } from '../../edge/runtime.ts';

let db: LibsqlDb;
let server: ReturnType<typeof serve>;
let port = 0;
let admin: string;

beforeAll(async () => {
  db = await openLibsql({ url: ':memory:' });
  await migrate(db);
  const runtime = await createRuntime({ db, log: () => {} });
  admin = (await createToken(db, { scope: 'admin' }, { at: runtime.now(), actor: 'test' })).token;
  server = serve({ fetch: createApp(runtime).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  db.$client.close();
});

/** POSTs `size` bytes of `type` to `path`, with a Content-Length or in 64 KiB chunks. */
function post(path: string, type: string, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': type, ...(chunked ? {} : { 'content-length': size }) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const written = async () => (await db.all<{ n: number }>(sql`SELECT (SELECT count(*) FROM identities) + (SELECT count(*) FROM audit_events WHERE type <> 'token.create') AS n`))[0]?.n;

describe('a body over the limit', () => {
  const over = DEFAULT_BODY_LIMIT + 64 * 1024;
  for (const type of ['application/json', 'text/csv', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
    for (const chunked of [false, true]) {
      it(`(${type}, ${chunked ? 'chunked' : 'Content-Length'}) is a 413 naming the limit, and writes nothing`, async () => {
        const res = await post('/v1/users', type, over, chunked);
        expect(res.status).toBe(413);
        expect(JSON.parse(res.body)).toEqual({ error: { code: 'payload_too_large', message: `the request body is over the limit of ${DEFAULT_BODY_LIMIT} bytes`, details: { maxSize: DEFAULT_BODY_LIMIT } } });
        expect(await written()).toBe(0);
      });
    }
  }
});

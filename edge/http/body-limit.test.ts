// The body limit over real HTTP (the Node server, as `npm start` serves): a declared length is
// judged from the header, a chunked body by counting it, and a body within the limit still
// reaches the handler whole.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './env.ts';
import { bodyLimits } from './body-limit.ts';

let server: ReturnType<typeof serve>;
let port = 0;

beforeAll(async () => {
  const app = new Hono<AppEnv>();
  app.use('*', bodyLimits([{ path: '/big', maxSize: 64 }], 16));
  app.post('*', async (c) => c.json({ got: await c.req.json() }));
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs `body` with a Content-Length, or in chunks (Transfer-Encoding: chunked) when `chunked`. */
function post(path: string, body: string, chunked = false): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    if (chunked) for (const part of body.match(/.{1,5}/g) ?? []) req.write(part);
    else req.write(body);
    req.end();
  });
}

describe('body limit over HTTP', () => {
  it('lets a body with a Content-Length within the limit through, whole', async () => {
    expect(await post('/small', '{"a":"12345"}')).toEqual({ status: 200, body: { got: { a: '12345' } } });
  });

  it('refuses a Content-Length over the limit with 413 and the limit', async () => {
    expect(await post('/small', '{"a":"1234567890"}')).toEqual({ status: 413, body: { error: expect.objectContaining({ code: 'payload_too_large', details: { maxSize: 16 } }) } });
    expect((await post('/big', JSON.stringify({ a: 'x'.repeat(40) }))).status).toBe(200);
  });

  it('counts a chunked body: within the limit it passes, over it 413', async () => {
    expect(await post('/small', '{"a":"12345"}', true)).toEqual({ status: 200, body: { got: { a: '12345' } } });
    expect((await post('/small', '{"a":"1234567890"}', true)).status).toBe(413);
  });
});

// A fault-injecting HTTP proxy for tests: in front of a real server, it fails a share of
// requests — 500s, 429s with `Retry-After`, and timeouts, some before the request reaches the
// server and some after (the server applied it, the answer is lost). Seeded, so a run repeats.
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface FaultOptions {
  target: string;
  /** Share of requests that fail (0..1). */
  rate: number;
  seed?: number;
  retryAfterSeconds?: number;
}

export interface FaultProxy {
  url: string;
  counts: { forwarded: number; e500: number; e429: number; timeoutBefore: number; timeoutAfter: number };
  setRate(rate: number): void;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, enough to make a fault pattern repeatable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(options: FaultOptions): Promise<FaultProxy> {
  const random = rng(options.seed ?? 42);
  let rate = options.rate;
  const counts = { forwarded: 0, e500: 0, e429: 0, timeoutBefore: 0, timeoutAfter: 0 };
  const target = new URL(options.target);
  const hanging = new Set<ServerResponse>();

  function forward(req: IncomingMessage, body: Buffer, onResponse: (status: number, headers: Record<string, string | string[] | undefined>, data: Buffer) => void): void {
    counts.forwarded++;
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => onResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
    });
    upstream.on('error', () => onResponse(502, {}, Buffer.from('bad gateway')));
    upstream.end(body);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const roll = random();
      const kind = roll < rate ? Math.floor((roll / rate) * 4) : -1;
      if (kind === 0) {
        counts.e500++;
        res.writeHead(500, { 'content-type': 'application/scim+json' }).end(JSON.stringify({ status: '500', detail: 'injected failure' }));
      } else if (kind === 1) {
        counts.e429++;
        res.writeHead(429, { 'retry-after': String(options.retryAfterSeconds ?? 1), 'content-type': 'application/scim+json' }).end(JSON.stringify({ status: '429', detail: 'slow down' }));
      } else if (kind === 2) {
        // Hang before the server sees it: the client times out, nothing was applied.
        counts.timeoutBefore++;
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
      } else if (kind === 3) {
        // The server applies it, the answer never comes back.
        counts.timeoutAfter++;
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        forward(req, body, () => undefined);
      } else {
        forward(req, body, (status, headers, data) => {
          res.writeHead(status, headers).end(data);
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setRate(next) {
      rate = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

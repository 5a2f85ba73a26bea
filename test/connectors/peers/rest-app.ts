// A small real web-service app for the REST connector's tests: users in memory behind a JSON
// API (create, find by reference, patch, disable/enable, delete), bearer-protected.
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface RestUser {
  id: string;
  ref: string;
  login: string;
  email?: string;
  displayName?: string;
  enabled: boolean;
  role?: string;
}

export interface RestApp {
  url: string;
  users: Map<string, RestUser>;
  /** Idempotency keys seen, for the test to see they are sent. */
  keys: string[];
  close(): Promise<void>;
}

export async function startRestApp(token = 'rest-token'): Promise<RestApp> {
  const users = new Map<string, RestUser>();
  const keys: string[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'unauthorized' });
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string') keys.push(key);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
      const [, , , id, verb] = url.pathname.split('/');
      if (url.pathname === '/api/users' && req.method === 'POST') {
        if (typeof body.login !== 'string' || typeof body.ref !== 'string') return send(400, { error: 'login and ref are required' });
        if ([...users.values()].some((u) => u.login === body.login)) return send(409, { error: `login ${body.login} is taken` });
        const user: RestUser = { id: `r${++next}`, ref: body.ref, login: body.login, enabled: true, ...(typeof body.email === 'string' ? { email: body.email } : {}), ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}) };
        users.set(user.id, user);
        return send(201, { data: user });
      }
      if (url.pathname === '/api/users' && req.method === 'GET') {
        const user = [...users.values()].find((u) => u.ref === url.searchParams.get('ref'));
        return user ? send(200, { data: user }) : send(404, { error: 'no such user' });
      }
      const user = id ? users.get(id) : undefined;
      if (!user) return send(404, { error: 'no such user' });
      if (req.method === 'PATCH' && !verb) {
        Object.assign(user, body);
        return send(200, { data: user });
      }
      if (req.method === 'POST' && (verb === 'disable' || verb === 'enable')) {
        user.enabled = verb === 'enable';
        return send(200, { data: user });
      }
      if (req.method === 'DELETE' && !verb) {
        users.delete(user.id);
        return send(204);
      }
      return send(405, { error: 'method not allowed' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    users,
    keys,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

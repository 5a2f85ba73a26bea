// A real SCIM 2.0 server for tests: scimmy (resources, filters, PATCH, ListResponse paging)
// behind scimmy-routers on express, listening on 127.0.0.1, with an in-memory store. It
// enforces userName uniqueness (409) and, when told PATCH is unsupported, says so in its
// /ServiceProviderConfig and answers PATCH with 501. An OAuth2 client-credentials token
// endpoint sits beside it. SCIMMY's registry is global: one server per test process.
import type { Server } from 'node:http';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

export interface ScimServerOptions {
  token?: string;
  oauth?: { clientId: string; clientSecret: string };
  patch?: boolean;
  unique?: boolean;
}

type Rec = Record<string, unknown> & { id: string };

export interface ScimServer {
  url: string;
  baseUrl: string;
  users: Map<string, Rec>;
  groups: Map<string, Rec>;
  /** Requests by `METHOD /Resource`. */
  requests: Map<string, number>;
  tokensIssued: number;
  setPatch(supported: boolean): void;
  close(): Promise<void>;
}

const state = { users: new Map<string, Rec>(), groups: new Map<string, Rec>(), next: 0, unique: true };
let declared = false;

function meta(rec: Rec | undefined) {
  const at = new Date();
  return { created: (rec?.meta as { created?: Date } | undefined)?.created ?? at, lastModified: at };
}

interface Declared {
  ingress(handler: (resource: { id?: string }, instance: Record<string, unknown>) => unknown): Declared;
  egress(handler: (resource: { id?: string; filter?: { match(values: unknown[]): unknown[] } }) => unknown): Declared;
  degress(handler: (resource: { id?: string }) => void): Declared;
}

function declare(): void {
  if (declared) return;
  declared = true;
  const fail = (status: number, scimType: string | null, detail: string) => new SCIMMY.Types.Error(status, scimType as string, detail);
  for (const [Resource, store, kind] of [
    [SCIMMY.Resources.User, state.users, 'user'],
    [SCIMMY.Resources.Group, state.groups, 'group'],
  ] as const) {
    (SCIMMY.Resources.declare(Resource) as unknown as Declared)
      .ingress((resource: { id?: string }, instance: Record<string, unknown>) => {
        if (resource.id) {
          const current = store.get(resource.id);
          if (!current) throw fail(404, null, `${kind} ${resource.id} not found`);
          const next = { ...JSON.parse(JSON.stringify(instance)), id: resource.id, meta: meta(current) } as Rec;
          // `password` is returned "never", so it does not survive serialising: keep it apart.
          const password = (instance as { password?: unknown }).password ?? current.password;
          if (password !== undefined) next.password = password;
          store.set(resource.id, next);
          return next;
        }
        if (kind === 'user' && state.unique) {
          const name = String(instance.userName).toLowerCase();
          for (const u of store.values()) if (String(u.userName).toLowerCase() === name) throw fail(409, 'uniqueness', `userName ${instance.userName} is taken`);
        }
        const id = `${kind[0]}${++state.next}`;
        const rec = { ...JSON.parse(JSON.stringify(instance)), id, meta: meta(undefined) } as Rec;
        store.set(id, rec);
        return rec;
      })
      .egress((resource: { id?: string; filter?: { match(values: unknown[]): unknown[] } }) => {
        if (resource.id) {
          const rec = store.get(resource.id);
          if (!rec) throw fail(404, null, `${kind} ${resource.id} not found`);
          return rec;
        }
        const all = [...store.values()];
        return resource.filter ? resource.filter.match(candidates(resource.filter, all)) : all;
      })
      .degress((resource: { id?: string }) => {
        if (!resource.id || !store.delete(resource.id)) throw fail(404, null, `${kind} ${resource.id} not found`);
      });
  }
}

/**
 * SCIMMY's `match` coerces every resource it looks at (~40 µs each): for `attr eq "v"` clauses
 * (the lookups connectors make) a plain scan picks a superset first and SCIMMY decides on it.
 */
function candidates(filter: unknown, all: Rec[]): Rec[] {
  if (!Array.isArray(filter)) return all;
  const clauses: [string, string][] = [];
  for (const expression of filter as Record<string, unknown>[]) {
    const entries = Object.entries(expression);
    const [key, test] = entries[0] ?? [];
    if (entries.length !== 1 || !Array.isArray(test) || test[0] !== 'eq' || typeof test[1] !== 'string' || !/^[A-Za-z]+$/.test(key as string)) return all;
    clauses.push([key as string, test[1].toLowerCase()]);
  }
  return all.filter((rec) => clauses.some(([key, value]) => String(rec[key] ?? '').toLowerCase() === value));
}

export async function startScimServer(options: ScimServerOptions = {}): Promise<ScimServer> {
  declare();
  state.users.clear();
  state.groups.clear();
  state.unique = options.unique ?? true;
  let patch = options.patch ?? true;
  const token = options.token ?? 'scim-test-token';
  const issued = new Set<string>();
  const requests = new Map<string, number>();
  let tokensIssued = 0;
  SCIMMY.Config.set({ patch, filter: { supported: true, maxResults: 50 }, sort: true, bulk: false, changePassword: true });

  const app = express();
  app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => {
    const [id, secret] = Buffer.from(String(req.header('authorization') ?? '').replace(/^Basic /, ''), 'base64').toString().split(':').map(decodeURIComponent);
    if (!options.oauth || req.body.grant_type !== 'client_credentials' || id !== options.oauth.clientId || secret !== options.oauth.clientSecret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const value = `at-${++tokensIssued}-${Math.random().toString(36).slice(2)}`;
    issued.add(value);
    res.json({ access_token: value, token_type: 'Bearer', expires_in: 3600 });
  });
  app.use('/scim/v2', (req, res, next) => {
    const resource = req.path.split('/')[1] ?? '';
    const key = `${req.method} /${resource}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    if (req.method === 'PATCH' && !patch) {
      res.status(501).json({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '501', detail: 'PATCH is not supported' });
      return;
    }
    next();
  });
  app.use(
    '/scim/v2',
    new SCIMMYRouters({
      type: 'bearer',
      handler: (req: express.Request) => {
        const given = String(req.header('authorization') ?? '').replace(/^Bearer /, '');
        if (given !== token && !issued.has(given)) throw new Error('unauthorized');
        return 'roster';
      },
    }) as unknown as express.Router,
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 10_000;
  // SCIMMY compiles its schemas on first use (~1 s under load): warm it before the test's clock starts.
  await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/scim/v2/Users?filter=userName%20eq%20%22warm-up%22`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
  requests.clear();
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/scim/v2`,
    users: state.users,
    groups: state.groups,
    requests,
    get tokensIssued() {
      return tokensIssued;
    },
    setPatch(supported) {
      patch = supported;
      SCIMMY.Config.set('patch', supported);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

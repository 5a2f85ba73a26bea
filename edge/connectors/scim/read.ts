// Reading every user and group of a SCIM app, page by page (RFC 7644 §3.4.2.4), for imports
// and drift. A page that fails fails the whole read: a partial read must never look complete.
import { statusFailure } from '../http.ts';
import type { ReadResult, RemoteAccount, RemoteGroup } from '../types.ts';
import { failure } from '../types.ts';
import type { ScimClient } from './client.ts';
import { isFailure } from './lookup.ts';
import type { ScimResource } from './resources.ts';
import { toRemoteAccount, toRemoteGroup } from './resources.ts';

const MAX_PAGES = 100_000;

async function readAll(client: ScimClient, endpoint: '/Users' | '/Groups', pageSize: number): Promise<ScimResource[] | ReturnType<typeof failure>> {
  const all: ScimResource[] = [];
  for (let startIndex = 1, page = 0; page < MAX_PAGES; page++) {
    const path = `${endpoint}?startIndex=${startIndex}&count=${pageSize}`;
    const response = await client.request('GET', path);
    if (!response.ok) return response;
    if (response.status !== 200) return statusFailure({ method: 'GET', url: endpoint }, response);
    const body = (response.body ?? {}) as { Resources?: unknown; totalResults?: unknown };
    const resources = Array.isArray(body.Resources) ? (body.Resources as ScimResource[]) : [];
    all.push(...resources);
    const total = typeof body.totalResults === 'number' ? body.totalResults : undefined;
    if (resources.length === 0 || (total !== undefined && all.length >= total)) return all;
    startIndex += resources.length;
  }
  return failure(`${endpoint} did not end after ${MAX_PAGES} pages`, false);
}

export async function readApp(client: ScimClient, pageSize: number): Promise<ReadResult> {
  const provider = await client.provider();
  if (isFailure(provider)) return provider;
  const size = Math.min(pageSize, provider.maxResults ?? pageSize);
  const before = client.sent;
  const users = await readAll(client, '/Users', size);
  if (isFailure(users)) return users;
  const groups = await readAll(client, '/Groups', size);
  if (isFailure(groups)) return groups;
  const accounts: RemoteAccount[] = users.map(toRemoteAccount);
  const remoteGroups: RemoteGroup[] = groups.map(toRemoteGroup);
  return { ok: true, accounts, groups: remoteGroups, requests: client.sent - before };
}

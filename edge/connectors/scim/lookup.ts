// Finding a user or group in a SCIM app before touching it: by the link Roster holds, else by
// `externalId` (Roster's id, set on every resource it creates), else by the matching attribute.
// Looking up before creating is what makes re-delivering a create harmless.
import type { Json } from '../../../engine/types.ts';
import { statusFailure } from '../http.ts';
import type { AccountLink, ConnectorFailure } from '../types.ts';
import type { ScimClient } from './client.ts';
import { literal } from './client.ts';
import type { ScimResource } from './resources.ts';

export async function getById(client: ScimClient, endpoint: '/Users' | '/Groups', id: string): Promise<ScimResource | undefined | ConnectorFailure> {
  const path = `${endpoint}/${encodeURIComponent(id)}`;
  const response = await client.request('GET', path);
  if (!response.ok) return response;
  if (response.status === 404) return undefined;
  if (response.status !== 200) return statusFailure({ method: 'GET', url: path }, response);
  return response.body as ScimResource;
}

export async function search(client: ScimClient, endpoint: '/Users' | '/Groups', filter: string): Promise<ScimResource[] | ConnectorFailure> {
  const path = `${endpoint}?filter=${encodeURIComponent(filter)}`;
  const response = await client.request('GET', path);
  if (!response.ok) return response;
  if (response.status !== 200) return statusFailure({ method: 'GET', url: endpoint }, response);
  const resources = (response.body as { Resources?: unknown } | undefined)?.Resources;
  return Array.isArray(resources) ? (resources as ScimResource[]) : [];
}

export interface UserKeys {
  userId: string;
  link?: AccountLink;
  /** The matching attribute and its value, when the action carries it. */
  match?: { attribute: string; value: string };
}

/** The user's resource in the app, undefined when it has none. */
export async function findUser(client: ScimClient, keys: UserKeys): Promise<ScimResource | undefined | ConnectorFailure> {
  if (keys.link?.externalId) {
    const found = await getById(client, '/Users', keys.link.externalId);
    if (found !== undefined) return found;
  }
  const clauses = [`externalId eq ${literal(keys.userId)}`];
  if (keys.match) clauses.push(`${keys.match.attribute} eq ${literal(keys.match.value)}`);
  const found = await search(client, '/Users', clauses.join(' or '));
  if (!Array.isArray(found)) return found;
  // Roster's own resource first; then the one the matching attribute names.
  return found.find((r) => r.externalId === keys.userId) ?? found[0];
}

export async function findGroup(client: ScimClient, groupId: string, name?: string): Promise<ScimResource | undefined | ConnectorFailure> {
  const clauses = [`externalId eq ${literal(groupId)}`];
  if (name !== undefined) clauses.push(`displayName eq ${literal(name)}`);
  const found = await search(client, '/Groups', clauses.join(' or '));
  if (!Array.isArray(found)) return found;
  return found.find((r) => r.externalId === groupId) ?? found[0];
}

/** The value of the matching attribute in an action's attributes (`userName` falls back to `login`). */
export function matchValue(attribute: string, attributes: Record<string, Json> | undefined): { attribute: string; value: string } | undefined {
  const value = attributes?.[attribute] ?? (attribute === 'userName' ? attributes?.login : undefined);
  if (typeof value === 'string' && value.length > 0) return { attribute: attribute === 'email' ? 'emails.value' : attribute, value };
  return undefined;
}

export function isFailure(value: unknown): value is ConnectorFailure {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

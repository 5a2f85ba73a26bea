// SCIM User ⇄ Roster identity. One table says where each SCIM attribute lives in the profile
// the rules see (`name.givenName` → `firstName`, enterprise `department` → `department`,
// `manager.value` → `managerId`…); reading, writing and filtering (edge/scim/query) all use it.
// userName is the login, active is the status (ACTIVE, else SUSPENDED), the primary email is
// also the identity's `email`, externalId and the owning source live in scim_resources.
import type { Identity } from '../../db/repos/identities.ts';
import type { JsonObject } from './coerce.ts';
import { isObject } from './coerce.ts';
import type { AttributeDef } from '../schema/index.ts';
import { ENTERPRISE_SCHEMA, USER_SCHEMA, USER_TYPE, resolvePath } from '../schema/index.ts';
import { attrPath } from '../filter/parse.ts';
import type { ScimRow } from './meta.ts';
import { userVersion } from './meta.ts';

/** SCIM attribute (canonical path; extension ones by URN) → profile key. */
export const USER_PROFILE_FIELDS: readonly { scim: string; key: string }[] = [
  { scim: 'name.givenName', key: 'firstName' },
  { scim: 'name.familyName', key: 'lastName' },
  { scim: 'name.middleName', key: 'middleName' },
  { scim: 'name.honorificPrefix', key: 'honorificPrefix' },
  { scim: 'name.honorificSuffix', key: 'honorificSuffix' },
  { scim: 'name.formatted', key: 'formattedName' },
  ...['displayName', 'nickName', 'profileUrl', 'title', 'preferredLanguage', 'locale'].map((k) => ({ scim: k, key: k })),
  { scim: 'userType', key: 'employeeType' },
  { scim: 'timezone', key: 'timeZone' },
  ...['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'].map((k) => ({ scim: k, key: k })),
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((k) => ({ scim: `${ENTERPRISE_SCHEMA}:${k}`, key: k })),
  { scim: `${ENTERPRISE_SCHEMA}:manager.value`, key: 'managerId' },
];

/** Profile keys a SCIM write owns (every other key, e.g. HR's `startDate`, is left alone). */
export const USER_PROFILE_KEYS: readonly string[] = [...USER_PROFILE_FIELDS.map((f) => f.key), 'email'];

interface Field {
  key: string;
  schema: string | undefined;
  attr: AttributeDef;
  sub: AttributeDef | undefined;
}

const FIELDS: Field[] = USER_PROFILE_FIELDS.map(({ scim, key }) => {
  const r = resolvePath(USER_TYPE, attrPath(scim));
  if (!r.ok) throw new Error(`user mapping names \`${scim}\`: ${r.message}`);
  return { key, schema: r.value.inExtension ? r.value.schema : undefined, attr: r.value.attr, sub: r.value.sub };
});

export interface UserView {
  identity: Identity;
  scim: ScimRow | undefined;
  groups: { id: string; name: string }[];
  manager?: { id: string; displayName: string | undefined };
}

/** What SCIM says of a user, written into Roster. */
export interface UserWrite {
  login: string;
  active: boolean | undefined;
  externalId: string | null;
  /** Every key of USER_PROFILE_KEYS: a value, or null when SCIM did not send it. */
  attributes: Record<string, unknown>;
  password: string | undefined;
}

/** A value stored by another source may have another JSON type: strings are shown as strings. */
function readable(def: AttributeDef, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued) return Array.isArray(value) && value.length > 0 ? value : undefined;
  if (def.type === 'complex') return isObject(value) ? value : undefined;
  if (def.type === 'boolean') return typeof value === 'boolean' ? value : undefined;
  if (def.type === 'integer' || def.type === 'decimal') return typeof value === 'number' ? value : undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function put(target: JsonObject, field: Field, value: unknown): void {
  const container = field.schema ? ((target[field.schema] as JsonObject | undefined) ?? (target[field.schema] = {})) : target;
  if (!field.sub) {
    container[field.attr.name] = value;
    return;
  }
  const parent = (container[field.attr.name] as JsonObject | undefined) ?? (container[field.attr.name] = {});
  parent[field.sub.name] = value;
}

function get(resource: JsonObject, field: Field): unknown {
  const container = field.schema ? resource[field.schema] : resource;
  if (!isObject(container)) return undefined;
  const value = container[field.attr.name];
  if (!field.sub) return value;
  return isObject(value) ? value[field.sub.name] : undefined;
}

/** The full SCIM User (before projection) for a stored identity. */
export function toScimUser(view: UserView, base: string): JsonObject {
  const { identity, scim } = view;
  const out: JsonObject = { schemas: [USER_SCHEMA], id: identity.id };
  if (scim?.externalId) out.externalId = scim.externalId;
  out.userName = identity.login;
  for (const field of FIELDS) {
    const value = readable(field.sub ?? field.attr, identity.profile[field.key]);
    if (value !== undefined) put(out, field, value);
  }
  if (out.emails === undefined && identity.email) out.emails = [{ value: identity.email, type: 'work', primary: true }];
  out.active = identity.status === 'ACTIVE';
  if (view.groups.length > 0) out.groups = view.groups.map((g) => ({ value: g.id, $ref: `${base}/Groups/${encodeURIComponent(g.id)}`, display: g.name, type: 'direct' }));
  const ext = out[ENTERPRISE_SCHEMA] as JsonObject | undefined;
  const manager = ext?.manager as JsonObject | undefined;
  if (manager && typeof manager.value === 'string') {
    manager.$ref = `${base}/Users/${encodeURIComponent(manager.value)}`;
    if (view.manager?.displayName) manager.displayName = view.manager.displayName;
  }
  if (ext) out.schemas = [USER_SCHEMA, ENTERPRISE_SCHEMA];
  out.meta = {
    resourceType: 'User',
    created: identity.createdAt,
    lastModified: identity.updatedAt,
    location: `${base}/Users/${encodeURIComponent(identity.id)}`,
    version: userVersion(identity.version),
  };
  return out;
}

/** A canonical User (coerced) → what Roster stores. */
export function fromScimUser(resource: JsonObject): UserWrite {
  const attributes: Record<string, unknown> = {};
  for (const field of FIELDS) attributes[field.key] = get(resource, field) ?? null;
  const emails = Array.isArray(resource.emails) ? (resource.emails as JsonObject[]) : [];
  const primary = emails.find((e) => e.primary === true) ?? emails[0];
  attributes.email = typeof primary?.value === 'string' ? primary.value : null;
  return {
    login: resource.userName as string,
    active: typeof resource.active === 'boolean' ? resource.active : undefined,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    attributes,
    password: typeof resource.password === 'string' ? resource.password : undefined,
  };
}

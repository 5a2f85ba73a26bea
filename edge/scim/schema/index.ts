// Resource types (RFC 7643 §6) and attribute-path resolution: names are case-insensitive
// (§2.1), a path may carry its schema URN (`urn:…:enterprise:2.0:User:department`), and a
// name without one is looked up in the core schema, then in the extensions.
import type { AttrPath } from '../filter/ast.ts';
import { COMMON_ATTRIBUTES, ENTERPRISE_SCHEMA, enterpriseSchema, GROUP_SCHEMA, groupSchema, USER_SCHEMA, userSchema } from './user.ts';
import type { AttributeDef, SchemaDef } from './types.ts';
import { findAttr } from './types.ts';

export * from './types.ts';
export { COMMON_ATTRIBUTES, ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, enterpriseSchema, groupSchema, userSchema };

export interface ResourceType {
  name: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  description: string;
  schema: SchemaDef;
  extensions: { schema: SchemaDef; required: boolean }[];
}

export const USER_TYPE: ResourceType = {
  name: 'User',
  endpoint: '/Users',
  description: 'a Roster identity',
  schema: userSchema,
  extensions: [{ schema: enterpriseSchema, required: false }],
};

export const GROUP_TYPE: ResourceType = { name: 'Group', endpoint: '/Groups', description: 'a Roster group', schema: groupSchema, extensions: [] };

export const RESOURCE_TYPES: readonly ResourceType[] = [USER_TYPE, GROUP_TYPE];
export const ALL_SCHEMAS: readonly SchemaDef[] = [userSchema, enterpriseSchema, groupSchema];

/** A path resolved against a resource type. `extension` alone: the whole extension object. */
export interface Resolved {
  /** The schema URN the attribute belongs to (the core URN for common attributes). */
  schema: string;
  /** Whether the attribute sits in an extension object (`resource[schema][name]`). */
  inExtension: boolean;
  attr: AttributeDef;
  sub?: AttributeDef;
}

export function schemaUris(rt: ResourceType): string[] {
  return [rt.schema.id, ...rt.extensions.map((e) => e.schema.id)];
}

/** The canonical URN if `uri` names one of `rt`'s schemas (case-insensitively). */
export function knownSchema(rt: ResourceType, uri: string): string | undefined {
  const lower = uri.toLowerCase();
  return schemaUris(rt).find((u) => u.toLowerCase() === lower);
}

export function extensionOf(rt: ResourceType, uri: string): SchemaDef | undefined {
  const lower = uri.toLowerCase();
  return rt.extensions.find((e) => e.schema.id.toLowerCase() === lower)?.schema;
}

/** Resolves `path`, or says why not (a message for `invalidPath`/`invalidFilter`). */
export function resolvePath(rt: ResourceType, path: AttrPath): { ok: true; value: Resolved } | { ok: false; message: string } {
  const candidates: { schema: string; inExtension: boolean; list: readonly AttributeDef[] }[] = [];
  const core = { schema: rt.schema.id, inExtension: false, list: [...COMMON_ATTRIBUTES, ...rt.schema.attributes] };
  if (path.uri !== undefined) {
    const uri = knownSchema(rt, path.uri);
    if (uri === undefined) return { ok: false, message: `\`${path.uri}\` is not a schema of ${rt.name}` };
    const ext = extensionOf(rt, uri);
    candidates.push(ext ? { schema: ext.id, inExtension: true, list: ext.attributes } : core);
  } else {
    candidates.push(core, ...rt.extensions.map((e) => ({ schema: e.schema.id, inExtension: true, list: e.schema.attributes })));
  }
  for (const c of candidates) {
    const attr = findAttr(c.list, path.attr);
    if (!attr) continue;
    if (path.sub === undefined) return { ok: true, value: { schema: c.schema, inExtension: c.inExtension, attr } };
    const sub = findAttr(attr.subAttributes, path.sub);
    if (!sub) return { ok: false, message: `\`${attr.name}\` has no sub-attribute \`${path.sub}\`` };
    return { ok: true, value: { schema: c.schema, inExtension: c.inExtension, attr, sub } };
  }
  return { ok: false, message: `${rt.name} has no attribute \`${path.uri ? `${path.uri}:` : ''}${path.attr}\`` };
}

/** Whether `${path.uri}:${path.attr}` is itself an extension URN (a PATCH of the whole extension). */
export function wholeExtension(rt: ResourceType, path: AttrPath): SchemaDef | undefined {
  if (path.uri === undefined || path.sub !== undefined) return undefined;
  return extensionOf(rt, `${path.uri}:${path.attr}`);
}

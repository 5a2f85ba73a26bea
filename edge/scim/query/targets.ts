// Where each filterable SCIM attribute lives in SQL, per resource type. Scalars are column or
// json_extract expressions over the profile; multi-valued attributes are an EXISTS over
// json_each (profile arrays) or over memberships. Only constant SQL (table and JSON-path names
// from our own mapping) is ever written as raw text: every filter value is a bound parameter.
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { groups, identities, memberships, scimResources } from '../../db/schema.ts';
import { badRequest } from '../errors.ts';
import type { AttrPath } from '../filter/ast.ts';
import { pathText } from '../filter/ast.ts';
import type { AttributeDef, ResourceType } from '../schema/index.ts';
import { GROUP_TYPE, USER_TYPE, findAttr, resolvePath } from '../schema/index.ts';
import { USER_PROFILE_FIELDS } from '../resource/user-map.ts';

export type Target =
  | { kind: 'scalar'; def: AttributeDef; expr: SQL }
  /** `active`: a boolean held as the identity's status. */
  | { kind: 'active'; def: AttributeDef; expr: SQL }
  /** A multi-valued (or complex) attribute: `exists(cond)` asks whether some value matches. */
  | { kind: 'multi'; def: AttributeDef; exists(cond: SQL | undefined): SQL; sub(def: AttributeDef): SQL | undefined };

export interface TargetMap {
  rt: ResourceType;
  target(path: AttrPath): Target;
}

const KEY = /^[A-Za-z0-9_]+$/;
/** `'$."firstName"'` as SQL text: keys come from USER_PROFILE_FIELDS, never from a request. */
function jsonKey(key: string): SQL {
  if (!KEY.test(key)) throw new Error(`json key \`${key}\` is not a plain name`);
  return sql.raw(`'$."${key}"'`);
}
const profileValue = (key: string): SQL => sql`json_extract(${identities.profile}, ${jsonKey(key)})`;

/** The scim_resources row joined as `r` in every SCIM list query. */
export const R = {
  externalId: sql.raw('r.external_id'),
  source: sql.raw('r.source'),
  createdAt: sql.raw('r.created_at'),
  updatedAt: sql.raw('r.updated_at'),
};
export { scimResources };

function fail(path: AttrPath, why: string): never {
  throw badRequest('invalidFilter', `\`${pathText(path)}\` ${why}`);
}

function resolve(rt: ResourceType, path: AttrPath): { attr: AttributeDef; sub: AttributeDef | undefined; key: string } {
  const r = resolvePath(rt, path);
  if (!r.ok) throw badRequest('invalidFilter', r.message);
  const { attr, sub, inExtension, schema } = r.value;
  const key = `${inExtension ? `${schema}:` : ''}${attr.name}${sub ? `.${sub.name}` : ''}`;
  return { attr, sub, key };
}

const profileArray = (key: string) => (cond: SQL | undefined): SQL => {
  const source = key === 'emails'
    ? sql`CASE WHEN json_type(${identities.profile}, ${jsonKey(key)}) = 'array' THEN json_extract(${identities.profile}, ${jsonKey(key)}) WHEN ${identities.email} IS NOT NULL THEN json_array(json_object('value', ${identities.email}, 'type', 'work', 'primary', json('true'))) ELSE '[]' END`
    : sql`CASE WHEN json_type(${identities.profile}, ${jsonKey(key)}) = 'array' THEN json_extract(${identities.profile}, ${jsonKey(key)}) ELSE '[]' END`;
  return sql`EXISTS (SELECT 1 FROM json_each(${source}) AS j${cond ? sql` WHERE ${cond}` : sql``})`;
};
const elementValue = (def: AttributeDef): SQL => sql`json_extract(j.value, ${jsonKey(def.name)})`;

const USER_SCALARS = new Map<string, SQL>([
  ['id', sql`${identities.id}`],
  ['externalId', R.externalId],
  ['userName', sql`${identities.login}`],
  ['meta.created', sql`${identities.createdAt}`],
  ['meta.lastModified', sql`${identities.updatedAt}`],
  ['meta.resourceType', sql`'User'`],
  ...USER_PROFILE_FIELDS.filter((f) => !['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates'].includes(f.scim)).map((f) => [f.scim, profileValue(f.key)] as [string, SQL]),
]);
const USER_ARRAYS = new Set(['emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'entitlements', 'roles', 'x509Certificates']);

export const userTargets: TargetMap = {
  rt: USER_TYPE,
  target(path) {
    const { attr, sub, key } = resolve(USER_TYPE, path);
    if (attr.name === 'active') return { kind: 'active', def: attr, expr: sql`${identities.status}` };
    if (USER_ARRAYS.has(attr.name)) {
      return { kind: 'multi', def: attr, exists: profileArray(attr.name), sub: elementValue };
    }
    if (attr.name === 'groups') {
      return {
        kind: 'multi',
        def: attr,
        exists: (cond) => sql`EXISTS (SELECT 1 FROM ${memberships} AS mv WHERE mv.user_id = ${identities.id}${cond ? sql` AND ${cond}` : sql``})`,
        sub: (d) => (d.name === 'value' ? sql.raw('mv.group_id') : d.name === 'display' ? sql`(SELECT g.name FROM ${groups} AS g WHERE g.id = mv.group_id)` : d.name === 'type' ? sql`'direct'` : undefined),
      };
    }
    const expr = USER_SCALARS.get(key);
    if (expr && sub) return { kind: 'scalar', def: sub, expr };
    if (expr) return { kind: 'scalar', def: attr, expr };
    if (attr.type === 'complex' && !sub) return complexOf(USER_TYPE, path, attr, key);
    return fail(path, 'cannot be filtered on');
  },
};

/** `name pr`, `manager pr`: some mapped sub-attribute has a value. */
function complexOf(rt: ResourceType, path: AttrPath, attr: AttributeDef, key: string): Target {
  const subs = (attr.subAttributes ?? []).map((s) => USER_SCALARS.get(`${key}.${s.name}`)).filter((e): e is SQL => e !== undefined);
  if (subs.length === 0) return fail(path, 'cannot be filtered on');
  const valueSub = findAttr(attr.subAttributes, 'value');
  const valueExpr = USER_SCALARS.get(`${key}.value`);
  return {
    kind: 'multi',
    def: attr,
    exists: (cond) => cond ?? sql`(${sql.join(subs.map((s) => sql`${s} IS NOT NULL`), sql` OR `)})`,
    sub: (d) => (rt === USER_TYPE ? USER_SCALARS.get(`${key}.${d.name}`) : undefined) ?? (valueSub && d === valueSub ? valueExpr : undefined),
  };
}

const GROUP_SCALARS = new Map<string, SQL>([
  ['id', sql`${groups.id}`],
  ['externalId', R.externalId],
  ['displayName', sql`${groups.name}`],
  ['meta.created', R.createdAt],
  ['meta.lastModified', R.updatedAt],
  ['meta.resourceType', sql`'Group'`],
]);

export const groupTargets: TargetMap = {
  rt: GROUP_TYPE,
  target(path) {
    const { attr, sub, key } = resolve(GROUP_TYPE, path);
    if (attr.name === 'members') {
      return {
        kind: 'multi',
        def: attr,
        exists: (cond) => sql`EXISTS (SELECT 1 FROM ${memberships} AS mv WHERE mv.group_id = ${groups.id}${cond ? sql` AND ${cond}` : sql``})`,
        sub: (d) =>
          d.name === 'value'
            ? sql.raw('mv.user_id')
            : d.name === 'display'
              ? sql`(SELECT coalesce(json_extract(i.profile, '$."displayName"'), i.login) FROM ${identities} AS i WHERE i.id = mv.user_id)`
              : d.name === 'type'
                ? sql`'User'`
                : undefined,
      };
    }
    const expr = GROUP_SCALARS.get(key);
    if (expr) return { kind: 'scalar', def: sub ?? attr, expr };
    return fail(path, 'cannot be filtered on');
  },
};

// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) and the `returned`
// characteristic (RFC 7643 §7): `always` attributes are always there, `never` never, and
// sub-attributes can be picked or dropped one by one (`name.givenName`, `emails.value`).
import { badRequest } from '../errors.ts';
import { attrPath } from '../filter/parse.ts';
import type { AttributeDef, ResourceType } from '../schema/index.ts';
import { COMMON_ATTRIBUTES, extensionOf, findAttr, resolvePath } from '../schema/index.ts';
import type { JsonObject } from './coerce.ts';
import { isObject } from './coerce.ts';

export interface Selection {
  /** `schema|attr` → undefined (whole attribute) or the set of sub-attribute names. */
  picks: Map<string, Set<string> | undefined>;
}

export interface Projection {
  attributes?: Selection;
  excluded?: Selection;
}

const key = (schema: string, attr: string) => `${schema.toLowerCase()}|${attr.toLowerCase()}`;

/** A comma-separated list of attribute paths; unknown names select nothing (400 invalidValue if malformed). */
export function parseSelection(rt: ResourceType, list: string | readonly string[] | undefined): Selection | undefined {
  if (list === undefined) return undefined;
  const items = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) return undefined;
  const picks = new Map<string, Set<string> | undefined>();
  for (const item of items) {
    const ext = extensionOf(rt, item);
    if (ext) {
      for (const a of ext.attributes) picks.set(key(ext.id, a.name), undefined);
      continue;
    }
    let path;
    try {
      path = attrPath(item);
    } catch {
      throw badRequest('invalidValue', `\`${item}\` is not an attribute path`);
    }
    const r = resolvePath(rt, path);
    if (!r.ok) continue;
    const k = key(r.value.schema, r.value.attr.name);
    if (!r.value.sub) picks.set(k, undefined);
    else if (!picks.has(k) || picks.get(k) !== undefined) picks.set(k, new Set([...(picks.get(k) ?? []), r.value.sub.name.toLowerCase()]));
  }
  return { picks };
}

function pickSubs(value: unknown, keep: (sub: string) => boolean): unknown {
  const one = (v: unknown): unknown => {
    if (!isObject(v)) return v;
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) if (keep(k.toLowerCase())) out[k] = x;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const list = value.map(one).filter((v) => v !== undefined);
    return list.length > 0 ? list : undefined;
  }
  return one(value);
}

function projectAttr(schema: string, def: AttributeDef, value: unknown, p: Projection): unknown {
  if (def.returned === 'never') return undefined;
  if (def.returned === 'always') return value;
  const k = key(schema, def.name);
  let out = value;
  if (p.attributes) {
    if (!p.attributes.picks.has(k)) return def.returned === 'default' && def.name === 'schemas' ? value : undefined;
    const subs = p.attributes.picks.get(k);
    if (subs) out = pickSubs(out, (s) => subs.has(s) || findAttr(def.subAttributes, s)?.returned === 'always');
  } else if (def.returned === 'request') {
    return undefined;
  }
  if (p.excluded?.picks.has(k)) {
    const subs = p.excluded.picks.get(k);
    if (!subs) return undefined;
    out = pickSubs(out, (s) => !subs.has(s) || findAttr(def.subAttributes, s)?.returned === 'always');
  }
  return out;
}

/** The resource as the client asked to see it. */
export function project(rt: ResourceType, resource: JsonObject, p: Projection): JsonObject {
  const out: JsonObject = {};
  const core = [...COMMON_ATTRIBUTES, ...rt.schema.attributes];
  for (const [name, value] of Object.entries(resource)) {
    if (name === 'schemas') {
      out.schemas = value;
      continue;
    }
    const ext = extensionOf(rt, name);
    if (ext && isObject(value)) {
      const inner: JsonObject = {};
      for (const [attr, v] of Object.entries(value)) {
        const def = findAttr(ext.attributes, attr);
        const projected = def ? projectAttr(ext.id, def, v, p) : undefined;
        if (projected !== undefined) inner[attr] = projected;
      }
      if (Object.keys(inner).length > 0) out[name] = inner;
      continue;
    }
    const def = findAttr(core, name);
    const projected = def ? projectAttr(rt.schema.id, def, value, p) : undefined;
    if (projected !== undefined) out[name] = projected;
  }
  return out;
}

// Incoming resources → canonical SCIM JSON: attribute names in the schema's case, extension
// attributes under their URN, values of the declared type. Dialects are normalised here:
// Entra's "True"/"False" strings become booleans and a bare value for a complex attribute with
// a `value` sub-attribute (Entra's `manager: "id"`) becomes `{value}`. Read-only values are
// dropped (RFC 7644 §3.5.1: "SHALL be ignored"); unknown attributes are refused.
import { badRequest } from '../errors.ts';
import { attrPath } from '../filter/parse.ts';
import type { AttributeDef, ResourceType } from '../schema/index.ts';
import { extensionOf, findAttr, knownSchema, resolvePath } from '../schema/index.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Entra sends booleans as "True"/"False"; any case of true/false is accepted. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

export interface CoerceOptions {
  /** Keep readOnly values (reading our own stored form) instead of dropping them. */
  keepReadOnly?: boolean;
}

/** One value of `def` (a single element when `def` is multi-valued), or undefined for null. */
export function coerceValue(def: AttributeDef, value: unknown, where: string, options: CoerceOptions = {}, single = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (def.multiValued && !single) {
    const list = Array.isArray(value) ? value : [value];
    const out = list.map((v, i) => coerceValue(def, v, `${where}[${i}]`, options, true)).filter((v) => v !== undefined);
    if (def.type === 'complex' && out.filter((v) => isObject(v) && v.primary === true).length > 1) {
      throw badRequest('invalidValue', `\`${where}\` has more than one primary value`);
    }
    return out.length === 0 ? undefined : out;
  }
  switch (def.type) {
    case 'boolean': {
      const b = toBoolean(value);
      if (b === undefined) throw badRequest('invalidValue', `\`${where}\` must be a boolean`);
      return b;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest('invalidValue', `\`${where}\` must be an integer`);
      return value;
    case 'decimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest('invalidValue', `\`${where}\` must be a number`);
      return value;
    case 'dateTime':
      if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) throw badRequest('invalidValue', `\`${where}\` must be an xsd:dateTime`);
      return value;
    case 'complex':
      return coerceComplex(def, value, where, options);
    default:
      if (typeof value !== 'string') throw badRequest('invalidValue', `\`${where}\` must be a string`);
      return value;
  }
}

function coerceComplex(def: AttributeDef, value: unknown, where: string, options: CoerceOptions): JsonObject | undefined {
  const subs = def.subAttributes ?? [];
  if (!isObject(value)) {
    if (findAttr(subs, 'value') && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) return coerceComplex(def, { value }, where, options);
    throw badRequest('invalidValue', `\`${where}\` must be an object`);
  }
  const out: JsonObject = {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findAttr(subs, key);
    if (!sub) throw badRequest('invalidSyntax', `\`${where}\` has no sub-attribute \`${key}\``);
    if (sub.mutability === 'readOnly' && !options.keepReadOnly) continue;
    const v = coerceValue(sub, raw, `${where}.${sub.name}`, options);
    if (v !== undefined) out[sub.name] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Sets a coerced attribute on `target` (core) or its extension object. */
function place(target: JsonObject, schema: string | undefined, name: string, value: unknown): void {
  if (schema === undefined) {
    if (value === undefined) delete target[name];
    else target[name] = value;
    return;
  }
  const ext = isObject(target[schema]) ? (target[schema] as JsonObject) : {};
  if (value === undefined) delete ext[name];
  else ext[name] = value;
  if (Object.keys(ext).length > 0) target[schema] = ext;
  else delete target[schema];
}

/**
 * The canonical form of a resource body. `schemas` must name the resource's core schema and
 * only schemas of this resource type (400 invalidSyntax otherwise).
 */
export function coerceResource(rt: ResourceType, body: unknown, options: CoerceOptions = {}): JsonObject {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.every((s) => typeof s === 'string')) throw badRequest('invalidSyntax', '`schemas` must be an array of schema URNs');
  const canonical = schemas.map((s) => knownSchema(rt, s as string));
  const unknown = schemas.filter((_, i) => canonical[i] === undefined);
  if (unknown.length > 0) throw badRequest('invalidSyntax', `\`schemas\` names ${unknown.map((u) => `\`${String(u)}\``).join(', ')}, not a schema of ${rt.name}`);
  if (!canonical.includes(rt.schema.id)) throw badRequest('invalidSyntax', `\`schemas\` must include \`${rt.schema.id}\``);
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'schemas') continue;
    mergeKey(rt, out, key, value, options);
  }
  out.schemas = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id).filter((id) => out[id] !== undefined)];
  return out;
}

/** Sets one top-level key (`name`, `urn:…:User:department`, or an extension URN) into `out`. */
export function mergeKey(rt: ResourceType, out: JsonObject, key: string, value: unknown, options: CoerceOptions = {}, mode: MergeMode = 'set'): void {
  const ext = extensionOf(rt, key);
  if (ext) {
    if (value === null || value === undefined) {
      if (mode === 'set') delete out[ext.id];
      return;
    }
    if (!isObject(value)) throw badRequest('invalidValue', `\`${ext.id}\` must be an object`);
    if (mode === 'set') delete out[ext.id];
    for (const [name, v] of Object.entries(value)) mergeKey(rt, out, `${ext.id}:${name}`, v, options, mode);
    return;
  }
  let path;
  try {
    path = attrPath(key);
  } catch {
    throw badRequest('invalidSyntax', `\`${key}\` is not an attribute of ${rt.name}`);
  }
  const resolved = resolvePath(rt, path);
  if (!resolved.ok) throw badRequest('invalidSyntax', resolved.message);
  const { attr, sub, inExtension, schema } = resolved.value;
  if (key === 'id' || key === 'meta' || attr.name === 'id' || attr.name === 'meta') return;
  if ((attr.mutability === 'readOnly' || sub?.mutability === 'readOnly') && !options.keepReadOnly) return;
  const where = inExtension ? `${schema}:${attr.name}` : attr.name;
  const extKey = inExtension ? schema : undefined;
  const current = extKey ? (out[extKey] as JsonObject | undefined)?.[attr.name] : out[attr.name];
  if (sub) {
    const parent = isObject(current) ? { ...current } : {};
    const v = coerceValue(sub, value, `${where}.${sub.name}`, options);
    if (v === undefined) delete parent[sub.name];
    else parent[sub.name] = v;
    place(out, extKey, attr.name, Object.keys(parent).length > 0 ? parent : undefined);
    return;
  }
  const v = coerceValue(attr, value, where, options);
  place(out, extKey, attr.name, mode === 'set' ? v : mergeValues(attr, current, v, mode));
}

/** `set`: PUT/POST; `add`/`replace`: PATCH (RFC 7644 §3.5.2.1 and §3.5.2.3). */
export type MergeMode = 'set' | 'add' | 'replace';

/** `add` appends multi-valued values (no duplicates); both merge a complex attribute's sub-attributes. */
export function mergeValues(def: AttributeDef, current: unknown, incoming: unknown, mode: 'add' | 'replace'): unknown {
  if (incoming === undefined) return mode === 'replace' ? undefined : current;
  if (mode === 'add' && def.multiValued && Array.isArray(current) && Array.isArray(incoming)) {
    const out = [...current];
    for (const v of incoming) if (!out.some((c) => sameJson(c, v))) out.push(v);
    if (incoming.some((v) => isObject(v) && v.primary === true)) return out.map((v) => (isObject(v) && v.primary === true && !incoming.includes(v) ? { ...v, primary: false } : v));
    return out;
  }
  if (def.type === 'complex' && !def.multiValued && isObject(current) && isObject(incoming)) return { ...current, ...incoming };
  return incoming;
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameJson((a as JsonObject)[k], (b as JsonObject)[k]));
}

// PATCH (RFC 7644 §3.5.2) over a canonical resource, in memory: the handler reads the resource,
// applies every operation here (all or nothing) and writes the result like a PUT. Dialects:
// op names in any case (Entra's "Replace"), ops without a path carrying an attribute object
// (Okta's `{"op":"replace","value":{"active":false}}`), a `remove` on a multi-valued attribute
// with a value list removing just those values (Entra's member removal), and a filtered path
// with a sub-attribute that matches nothing creating the value (Entra's
// `emails[type eq "work"].value`) when the filter is a conjunction of `eq` terms.
import { badRequest } from '../errors.ts';
import type { Filter, PatchPath } from '../filter/ast.ts';
import { parsePatchPath } from '../filter/parse.ts';
import type { AttributeDef, ResourceType } from '../schema/index.ts';
import { resolvePath, wholeExtension } from '../schema/index.ts';
import type { JsonObject } from './coerce.ts';
import { coerceValue, isObject, mergeKey, mergeValues, sameJson } from './coerce.ts';
import { checkValueFilter, matches } from './match.ts';

export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const OPS = new Set(['add', 'remove', 'replace']);

export interface PatchOperation {
  op: 'add' | 'remove' | 'replace';
  path?: string;
  value?: unknown;
}

/** Validates the PatchOp envelope and normalises op names (400 invalidSyntax if malformed). */
export function readPatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_SCHEMA.toLowerCase())) {
    throw badRequest('invalidSyntax', `\`schemas\` must be [\`${PATCH_SCHEMA}\`]`);
  }
  const ops = body.Operations ?? body.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw badRequest('invalidSyntax', '`Operations` must be a non-empty array');
  return ops.map((raw, i) => {
    if (!isObject(raw)) throw badRequest('invalidSyntax', `\`Operations[${i}]\` must be an object`);
    const op = typeof raw.op === 'string' ? raw.op.toLowerCase() : '';
    if (!OPS.has(op)) throw badRequest('invalidSyntax', `\`Operations[${i}].op\` must be add, remove or replace, not \`${String(raw.op)}\``);
    if (raw.path !== undefined && typeof raw.path !== 'string') throw badRequest('invalidPath', `\`Operations[${i}].path\` must be a string`);
    const out: PatchOperation = { op: op as PatchOperation['op'] };
    if (typeof raw.path === 'string' && raw.path.trim() !== '') out.path = raw.path;
    if (raw.value !== undefined) out.value = raw.value;
    return out;
  });
}

/** The resource after every operation (the input is not modified). */
export function applyPatch(rt: ResourceType, resource: JsonObject, ops: readonly PatchOperation[]): JsonObject {
  const out = structuredClone(resource);
  for (const op of ops) applyOne(rt, out, op);
  out.schemas = [rt.schema.id, ...rt.extensions.map((e) => e.schema.id).filter((id) => out[id] !== undefined)];
  return out;
}

function applyOne(rt: ResourceType, out: JsonObject, op: PatchOperation): void {
  if (op.path === undefined) {
    if (op.op === 'remove') throw badRequest('noTarget', 'a remove operation needs a `path`');
    if (!isObject(op.value)) throw badRequest('invalidValue', `an ${op.op} without a path needs an object \`value\``);
    for (const [key, value] of Object.entries(op.value)) {
      if (key === 'schemas') continue;
      mergeKey(rt, out, key, value, {}, op.op);
    }
    return;
  }
  const parsed = parsePatchPath(op.path);
  if (!parsed.ok) throw badRequest('invalidPath', `path \`${op.path}\`: ${parsed.message}`);
  const ext = wholeExtension(rt, parsed.value.path);
  if (ext) {
    if (op.op === 'remove') delete out[ext.id];
    else mergeKey(rt, out, ext.id, op.value, {}, op.op);
    return;
  }
  const resolved = resolvePath(rt, parsed.value.path);
  if (!resolved.ok) throw badRequest('invalidPath', resolved.message);
  const { attr, inExtension, schema } = resolved.value;
  const sub = resolved.value.sub ?? (parsed.value.sub !== undefined ? subOf(attr, parsed.value.sub) : undefined);
  if (attr.mutability === 'readOnly' || sub?.mutability === 'readOnly') throw badRequest('mutability', `\`${op.path}\` is read-only`);
  const container = inExtension ? ensure(out, schema) : out;
  const current = container[attr.name];
  const set = (value: unknown): void => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) delete container[attr.name];
    else container[attr.name] = value;
    if (inExtension && Object.keys(container).length === 0) delete out[schema];
  };
  const path = parsed.value;
  if (path.filter) return set(applyFiltered(attr, sub, path, op, Array.isArray(current) ? current : []));
  if (sub) return set(applySub(attr, sub, op, current));
  if (op.op === 'remove') {
    if (attr.multiValued && op.value !== undefined && Array.isArray(current)) return set(removeListed(attr, current, op.value));
    return set(undefined);
  }
  if (attr.mutability === 'immutable' && current !== undefined) throw badRequest('mutability', `\`${attr.name}\` is immutable`);
  set(mergeValues(attr, current, coerceValue(attr, op.value, attr.name), op.op));
}

function subOf(attr: AttributeDef, name: string): AttributeDef {
  const sub = attr.subAttributes?.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!sub) throw badRequest('invalidPath', `\`${attr.name}\` has no sub-attribute \`${name}\``);
  return sub;
}

function ensure(out: JsonObject, schema: string): JsonObject {
  if (!isObject(out[schema])) out[schema] = {};
  return out[schema] as JsonObject;
}

/** `name.givenName`, or a sub-attribute of every value of a multi-valued attribute. */
function applySub(attr: AttributeDef, sub: AttributeDef, op: PatchOperation, current: unknown): unknown {
  const update = (el: unknown): unknown => {
    const next = isObject(el) ? { ...el } : {};
    if (sub.mutability === 'immutable' && next[sub.name] !== undefined && op.op !== 'remove') throw badRequest('mutability', `\`${attr.name}.${sub.name}\` is immutable`);
    const v = op.op === 'remove' ? undefined : coerceValue(sub, op.value, `${attr.name}.${sub.name}`);
    if (v === undefined) delete next[sub.name];
    else next[sub.name] = v;
    return Object.keys(next).length === 0 ? undefined : next;
  };
  if (attr.multiValued) return Array.isArray(current) ? current.map(update).filter((v) => v !== undefined) : undefined;
  return update(current);
}

function applyFiltered(attr: AttributeDef, sub: AttributeDef | undefined, path: PatchPath, op: PatchOperation, list: unknown[]): unknown[] {
  if (!attr.multiValued || attr.type !== 'complex') throw badRequest('invalidPath', `\`${attr.name}\` is not a multi-valued complex attribute`);
  const filter = path.filter as Filter;
  checkValueFilter(attr, filter);
  const hit = list.map((el) => matches(attr, filter, el));
  if (!hit.some(Boolean)) {
    const seed = op.op === 'remove' || !sub ? undefined : equalities(filter);
    if (!seed) throw badRequest('noTarget', `no value of \`${attr.name}\` matches the filter in \`${op.path}\``);
    const created = coerceValue(attr, { ...seed, [sub?.name ?? 'value']: op.value }, attr.name, {}, true);
    return created === undefined ? list : [...list, created];
  }
  if (op.op === 'remove' && !sub) return list.filter((_, i) => !hit[i]);
  return list.map((el, i) => {
    if (!hit[i]) return el;
    if (sub) return applySub({ ...attr, multiValued: false }, sub, op, el);
    if (attr.subAttributes?.some((s) => s.mutability === 'immutable' && isObject(op.value) && op.value[s.name] !== undefined && isObject(el) && !sameJson(el[s.name], op.value[s.name]))) {
      throw badRequest('mutability', `\`${op.path}\` would change an immutable sub-attribute`);
    }
    const v = coerceValue(attr, op.value, attr.name, {}, true);
    return isObject(el) && isObject(v) ? { ...el, ...v } : v;
  }).filter((v) => v !== undefined);
}

/** `type eq "work" and primary eq true` → `{type: "work", primary: true}`; anything else: undefined. */
function equalities(filter: Filter): JsonObject | undefined {
  if (filter.type === 'compare' && filter.op === 'eq' && filter.path.sub === undefined) return { [filter.path.attr]: filter.value };
  if (filter.type !== 'and') return undefined;
  const left = equalities(filter.left);
  const right = equalities(filter.right);
  return left && right ? { ...left, ...right } : undefined;
}

/** Entra's `{"op":"Remove","path":"members","value":[{"value":"id"}]}`: remove just those. */
function removeListed(attr: AttributeDef, list: unknown[], value: unknown): unknown[] {
  const listed = (Array.isArray(value) ? value : [value]).map((v) => coerceValue(attr, v, attr.name, {}, true));
  const key = (v: unknown): unknown => (isObject(v) && v.value !== undefined ? v.value : v);
  return list.filter((el) => !listed.some((l) => sameJson(key(l), key(el))));
}

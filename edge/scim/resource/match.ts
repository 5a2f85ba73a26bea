// Value filters evaluated over the values of one multi-valued attribute in memory (PATCH
// paths like `emails[type eq "work"]`, RFC 7644 §3.5.2). Comparison rules are the filter
// rules of §3.4.2.2: strings by the sub-attribute's caseExact, booleans and numbers by value,
// `pr` for a non-empty value. Listing and searching never come here: they run in SQL.
import { badRequest } from '../errors.ts';
import type { CompValue, Filter } from '../filter/ast.ts';
import type { AttributeDef } from '../schema/index.ts';
import { findAttr } from '../schema/index.ts';
import { isObject, toBoolean } from './coerce.ts';

/** Checks that every path in `filter` names a sub-attribute of `def` (400 invalidPath if not). */
export function checkValueFilter(def: AttributeDef, filter: Filter): void {
  switch (filter.type) {
    case 'and':
    case 'or':
      checkValueFilter(def, filter.left);
      checkValueFilter(def, filter.right);
      return;
    case 'not':
      checkValueFilter(def, filter.filter);
      return;
    case 'valuePath':
      throw badRequest('invalidPath', 'value filters cannot nest');
    default:
      if (filter.path.sub !== undefined || !findAttr(def.subAttributes, filter.path.attr)) {
        throw badRequest('invalidPath', `\`${def.name}\` has no sub-attribute \`${filter.path.attr}${filter.path.sub ? `.${filter.path.sub}` : ''}\``);
      }
  }
}

export function matches(def: AttributeDef, filter: Filter, element: unknown): boolean {
  switch (filter.type) {
    case 'and':
      return matches(def, filter.left, element) && matches(def, filter.right, element);
    case 'or':
      return matches(def, filter.left, element) || matches(def, filter.right, element);
    case 'not':
      return !matches(def, filter.filter, element);
    case 'valuePath':
      return false;
    case 'present': {
      const sub = findAttr(def.subAttributes, filter.path.attr);
      const v = sub && isObject(element) ? element[sub.name] : undefined;
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    case 'compare': {
      const sub = findAttr(def.subAttributes, filter.path.attr);
      if (!sub || !isObject(element)) return false;
      return compare(sub, element[sub.name], filter.op, filter.value);
    }
  }
}

export function compare(def: AttributeDef, actual: unknown, op: string, expected: CompValue): boolean {
  if (def.type === 'boolean') {
    const want = toBoolean(expected);
    if (op === 'eq') return actual === want;
    if (op === 'ne') return actual !== want;
    return false;
  }
  if (actual === undefined || actual === null) return op === 'ne' && expected !== null;
  if (typeof actual === 'number' && typeof expected === 'number') return order(op, actual - expected);
  if (typeof actual !== 'string' || typeof expected !== 'string') return op === 'ne';
  const a = def.caseExact ? actual : actual.toLowerCase();
  const e = def.caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return order(op, a < e ? -1 : a > e ? 1 : 0);
  }
}

function order(op: string, diff: number): boolean {
  switch (op) {
    case 'eq':
      return diff === 0;
    case 'ne':
      return diff !== 0;
    case 'gt':
      return diff > 0;
    case 'ge':
      return diff >= 0;
    case 'lt':
      return diff < 0;
    case 'le':
      return diff <= 0;
    default:
      return false;
  }
}

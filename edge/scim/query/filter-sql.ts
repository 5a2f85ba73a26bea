// A parsed filter → one SQL condition (RFC 7644 §3.4.2.2), run by the database. Strings compare
// by the attribute's caseExact (RFC 7643 §2.1, §7): case-insensitive ones with NOCASE / LIKE
// (ASCII case folding, SQLite's), case-exact ones with `=`, instr and substr. Every value is a
// bound parameter. A missing attribute never matches, except under `ne` and `not`.
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { badRequest } from '../errors.ts';
import type { CompareOp, CompValue, Filter } from '../filter/ast.ts';
import { pathText } from '../filter/ast.ts';
import { toBoolean } from '../resource/coerce.ts';
import type { AttributeDef } from '../schema/index.ts';
import { findAttr } from '../schema/index.ts';
import type { Target, TargetMap } from './targets.ts';

const ORDER_OPS: Record<string, string> = { gt: '>', ge: '>=', lt: '<', le: '<=' };

function invalid(message: string): never {
  throw badRequest('invalidFilter', message);
}

export function filterSql(map: TargetMap, filter: Filter): SQL {
  switch (filter.type) {
    case 'and':
      return sql`(${filterSql(map, filter.left)} AND ${filterSql(map, filter.right)})`;
    case 'or':
      return sql`(${filterSql(map, filter.left)} OR ${filterSql(map, filter.right)})`;
    case 'not':
      return sql`NOT coalesce(${filterSql(map, filter.filter)}, 0)`;
    case 'valuePath': {
      const target = map.target(filter.path);
      if (target.kind !== 'multi') invalid(`\`${pathText(filter.path)}\` is not multi-valued: no value filter applies`);
      return target.exists(elementSql(target, filter.filter));
    }
    case 'present': {
      const target = map.target(filter.path);
      if (target.kind === 'active') return sql`1`;
      if (target.kind === 'scalar') return present(target.expr);
      if (filter.path.sub === undefined || target.def.type !== 'complex') return target.exists(undefined);
      return target.exists(present(subExpr(target, filter.path.sub)));
    }
    case 'compare': {
      const target = map.target(filter.path);
      const label = pathText(filter.path);
      if (target.kind === 'active') return activeSql(target.expr, filter.op, filter.value, label);
      if (target.kind === 'scalar') return compareSql(target.expr, target.def, filter.op, filter.value, label);
      const subName = filter.path.sub ?? 'value';
      const sub = findAttr(target.def.subAttributes, subName);
      if (!sub) invalid(`\`${label}\` is complex: compare one of its sub-attributes`);
      return target.exists(compareSql(subExpr(target, sub.name), sub, filter.op, filter.value, label));
    }
  }
}

/** The filter inside `emails[...]`: its paths are sub-attributes of the multi-valued attribute. */
function elementSql(target: Extract<Target, { kind: 'multi' }>, filter: Filter): SQL {
  switch (filter.type) {
    case 'and':
      return sql`(${elementSql(target, filter.left)} AND ${elementSql(target, filter.right)})`;
    case 'or':
      return sql`(${elementSql(target, filter.left)} OR ${elementSql(target, filter.right)})`;
    case 'not':
      return sql`NOT coalesce(${elementSql(target, filter.filter)}, 0)`;
    case 'valuePath':
      return invalid('value filters cannot nest');
    case 'present':
      return present(subExpr(target, filter.path.attr));
    case 'compare': {
      if (filter.path.sub !== undefined || filter.path.uri !== undefined) invalid(`\`${pathText(filter.path)}\` is not a sub-attribute of \`${target.def.name}\``);
      const sub = findAttr(target.def.subAttributes, filter.path.attr);
      if (!sub) invalid(`\`${target.def.name}\` has no sub-attribute \`${filter.path.attr}\``);
      return compareSql(subExpr(target, sub.name), sub, filter.op, filter.value, `${target.def.name}.${sub.name}`);
    }
  }
}

function subExpr(target: Extract<Target, { kind: 'multi' }>, name: string): SQL {
  const def = findAttr(target.def.subAttributes, name);
  const expr = def ? target.sub(def) : undefined;
  if (!def || !expr) return invalid(`\`${target.def.name}.${name}\` cannot be filtered on`);
  return expr;
}

const present = (expr: SQL): SQL => sql`(${expr} IS NOT NULL AND ${expr} <> '')`;

function activeSql(status: SQL, op: CompareOp, value: CompValue, label: string): SQL {
  const b = toBoolean(value);
  if (b === undefined || (op !== 'eq' && op !== 'ne')) invalid(`\`${label}\` is a boolean: only \`eq\` and \`ne\` with true or false apply`);
  return (op === 'eq') === b ? sql`${status} = 'ACTIVE'` : sql`${status} <> 'ACTIVE'`;
}

/** LIKE pattern with `\` escaping `%`, `_` and itself. */
function likePattern(value: string, before: string, after: string): string {
  return `${before}${value.replace(/[\\%_]/g, (c) => `\\${c}`)}${after}`;
}

export function compareSql(expr: SQL, def: AttributeDef, op: CompareOp, value: CompValue, label: string): SQL {
  if (value === null) {
    if (op === 'eq') return sql`${expr} IS NULL`;
    if (op === 'ne') return sql`${expr} IS NOT NULL`;
    invalid(`\`${label}\`: only \`eq\` and \`ne\` compare with null`);
  }
  switch (def.type) {
    case 'boolean': {
      const b = toBoolean(value);
      if (b === undefined || (op !== 'eq' && op !== 'ne')) invalid(`\`${label}\` is a boolean: only \`eq\` and \`ne\` with true or false apply`);
      return op === 'eq' ? sql`${expr} = ${b ? 1 : 0}` : sql`${expr} IS NOT ${b ? 1 : 0}`;
    }
    case 'integer':
    case 'decimal': {
      if (typeof value !== 'number') invalid(`\`${label}\` is a number: compare it with a number`);
      if (op === 'co' || op === 'sw' || op === 'ew') invalid(`\`${op}\` does not apply to the number \`${label}\``);
      return ordered(expr, op, value, false);
    }
    case 'dateTime': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms)) invalid(`\`${label}\` is a dateTime: compare it with an xsd:dateTime string`);
      if (op === 'co' || op === 'sw' || op === 'ew') invalid(`\`${op}\` does not apply to the dateTime \`${label}\``);
      return ordered(expr, op, new Date(ms).toISOString(), false);
    }
    case 'binary':
    case 'complex':
      if (op !== 'eq' && op !== 'ne') invalid(`\`${op}\` does not apply to \`${label}\``);
  }
  const text = typeof value === 'string' ? value : String(value);
  const exact = def.caseExact;
  switch (op) {
    case 'co':
      return exact ? sql`instr(${expr}, ${text}) > 0` : sql`${expr} LIKE ${likePattern(text, '%', '%')} ESCAPE '\\'`;
    case 'sw':
      return exact ? sql`substr(${expr}, 1, ${[...text].length}) = ${text}` : sql`${expr} LIKE ${likePattern(text, '', '%')} ESCAPE '\\'`;
    case 'ew':
      if (text === '') return sql`${expr} IS NOT NULL`;
      return exact ? sql`substr(${expr}, ${-[...text].length}) = ${text}` : sql`${expr} LIKE ${likePattern(text, '%', '')} ESCAPE '\\'`;
    default:
      return ordered(expr, op, text, !exact);
  }
}

function ordered(expr: SQL, op: CompareOp, value: string | number, nocase: boolean): SQL {
  const param = nocase ? sql`${value} COLLATE NOCASE` : sql`${value}`;
  if (op === 'eq') return sql`${expr} = ${param}`;
  if (op === 'ne') return sql`(${expr} IS NULL OR ${expr} <> ${param})`;
  const symbol = ORDER_OPS[op];
  if (symbol === undefined) return invalid(`\`${op}\` is not a comparison`);
  return sql`${expr} ${sql.raw(symbol)} ${param}`;
}

import type { AttributeType, Diagnostic } from '../types.ts';
import type { OperatorDefinition, ValueKind } from './operators/definition.ts';
import { isDate } from './operators/dates.ts';
import { resolveOperator } from './operators/registry.ts';
import { parsePath } from './path.ts';

export interface CheckOptions {
  /** Declared profile attribute types (from `settings`): values are checked against them. */
  attributes?: Record<string, AttributeType>;
}

type Path = (string | number)[];

/** Facts every user has whether or not `settings` declares them. */
export const DERIVED_FACTS: Record<string, AttributeType> = { id: 'string', status: 'string', groups: 'string[]' };

const BRANCH_KEYS = ['all', 'any', 'not'] as const;
const META_KEYS = new Set(['name', 'priority']);
const LEAF_KEYS = new Set(['fact', 'operator', 'value', 'path', ...META_KEYS]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{fact: …}` as a value: json-rules-engine compares with that fact, not the literal. */
export function isFactRef(value: unknown): value is { fact: string; path?: string } {
  return isObject(value) && Object.prototype.hasOwnProperty.call(value, 'fact');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/**
 * Every problem in a condition at once: shape, operators, values, regexes, paths and
 * declared attribute types. Paths are relative to the condition; the caller adds file and line.
 */
export function checkCondition(condition: unknown, options: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (code: string, message: string, path: Path, severity: Diagnostic['severity'] = 'error') =>
    out.push({ code, severity, message, path });
  walk(condition, [], options, report);
  return out;
}

type Report = (code: string, message: string, path: Path, severity?: Diagnostic['severity']) => void;

function walk(node: unknown, path: Path, options: CheckOptions, report: Report): void {
  if (!isObject(node)) {
    report('condition.invalid', `a condition must be an object with \`all\`, \`any\`, \`not\` or \`fact\`, got ${typeName(node)}`, path);
    return;
  }
  const branches = BRANCH_KEYS.filter((key) => Object.prototype.hasOwnProperty.call(node, key));
  if (branches.length > 1) {
    report('condition.ambiguous', `a condition may have only one of \`all\`, \`any\`, \`not\`; found ${branches.map((b) => `\`${b}\``).join(', ')}`, path);
    return;
  }
  const branch = branches[0];
  if (branch === undefined) {
    checkLeaf(node, path, options, report);
    return;
  }
  for (const key of Object.keys(node)) {
    if (key !== branch && !META_KEYS.has(key)) report('condition.unknown-key', `unknown key \`${key}\` in \`${branch}\` condition`, [...path, key]);
  }
  checkMeta(node, path, report);
  const children = node[branch];
  if (branch === 'not') {
    if (Array.isArray(children)) report('condition.not-object', '`not` takes one condition, not a list', [...path, 'not']);
    else walk(children, [...path, 'not'], options, report);
    return;
  }
  if (!Array.isArray(children)) {
    report('condition.not-array', `\`${branch}\` must be a list of conditions`, [...path, branch]);
    return;
  }
  if (children.length === 0) {
    report('condition.empty', `\`${branch}: []\` is always true`, [...path, branch], 'warning');
  }
  children.forEach((child, i) => walk(child, [...path, branch, i], options, report));
}

function checkMeta(node: Record<string, unknown>, path: Path, report: Report): void {
  if (node.name !== undefined && typeof node.name !== 'string') report('condition.value-type', '`name` must be a string', [...path, 'name']);
  if (node.priority !== undefined && !(Number.isInteger(node.priority) && (node.priority as number) >= 1)) {
    report('condition.value-type', '`priority` must be a whole number of at least 1', [...path, 'priority']);
  }
}

function checkLeaf(node: Record<string, unknown>, path: Path, options: CheckOptions, report: Report): void {
  for (const key of Object.keys(node)) {
    if (!LEAF_KEYS.has(key)) report('condition.unknown-key', `unknown key \`${key}\` in condition`, [...path, key]);
  }
  checkMeta(node, path, report);
  for (const key of ['fact', 'operator', 'value'] as const) {
    if (!Object.prototype.hasOwnProperty.call(node, key)) report('condition.missing-key', `condition needs \`${key}\``, path);
  }
  const { fact, operator, value } = node;
  if (fact !== undefined && (typeof fact !== 'string' || fact.length === 0)) report('condition.value-type', '`fact` must be a non-empty string', [...path, 'fact']);
  if (node.path !== undefined) checkPath(node.path, [...path, 'path'], report);
  if (typeof operator !== 'string') {
    if (operator !== undefined) report('condition.value-type', '`operator` must be a string', [...path, 'operator']);
    return;
  }
  const resolved = resolveOperator(operator);
  if ('error' in resolved) {
    report('condition.unknown-operator', resolved.error, [...path, 'operator']);
    return;
  }
  if (!Object.prototype.hasOwnProperty.call(node, 'value')) return;

  // Follow the value through the decorators, outermost first, to what the base operator sees.
  let dynamic = false;
  let values: unknown[] = [value];
  if (isFactRef(value)) {
    dynamic = true;
    checkFactRef(value, [...path, 'value'], report);
  }
  for (const decorator of resolved.decorators) {
    if (decorator.value === 'array') {
      if (dynamic) {
        report('condition.dynamic-value', `\`${decorator.name}\` needs a literal list as \`value\`, not a fact`, [...path, 'value']);
        return;
      }
      if (!values.every(Array.isArray)) {
        report('condition.value-type', `\`${decorator.name}\` needs a list as \`value\``, [...path, 'value']);
        return;
      }
      values = values.flatMap((v) => v as unknown[]);
    }
    if (decorator.name === 'swap') dynamic = true;
  }
  if (dynamic) {
    if (resolved.base.value === 'array' || resolved.base.value === 'regex') {
      report('condition.dynamic-value', `\`${resolved.base.name}\` needs a literal \`value\` here, not one taken from a fact`, [...path, 'value']);
    }
    return;
  }
  for (const v of values) {
    const problem = valueProblem(resolved.base, v);
    if (problem) {
      report(problem.code, problem.message, [...path, 'value']);
      return;
    }
  }
  if (resolved.decorators.length === 0 && typeof fact === 'string' && node.path === undefined) {
    checkAttributeType(fact, resolved.base, value, path, options, report);
  }
}

function checkPath(path: unknown, at: Path, report: Report): void {
  if (typeof path !== 'string') {
    report('condition.value-type', '`path` must be a string', at);
    return;
  }
  const parsed = parsePath(path);
  if (!parsed.ok) report('condition.unsupported-path', parsed.error, at);
}

function checkFactRef(ref: Record<string, unknown>, at: Path, report: Report): void {
  for (const key of Object.keys(ref)) {
    if (key !== 'fact' && key !== 'path') report('condition.unknown-key', `unknown key \`${key}\` in fact reference`, [...at, key]);
  }
  if (typeof ref.fact !== 'string' || ref.fact.length === 0) report('condition.value-type', 'a fact reference needs a non-empty `fact`', [...at, 'fact']);
  if (ref.path !== undefined) checkPath(ref.path, [...at, 'path'], report);
}

const VALUE_RULES: Record<ValueKind, (value: unknown) => string | null> = {
  any: () => null,
  array: (v) => (Array.isArray(v) ? null : 'a list'),
  string: (v) => (typeof v === 'string' ? null : 'a string'),
  regex: (v) => (typeof v === 'string' ? null : 'a regular expression (a string)'),
  boolean: (v) => (typeof v === 'boolean' ? null : '`true` or `false`'),
  days: (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : 'a number of days (0 or more)'),
  dateOrDays: (v) =>
    (typeof v === 'number' && Number.isFinite(v)) || isDate(v) ? null : 'an ISO date (`2026-01-31`) or a number of days from now (`-30`)',
};

function valueProblem(op: OperatorDefinition, value: unknown): { code: string; message: string } | null {
  const expected = VALUE_RULES[op.value](value);
  if (expected) return { code: 'condition.value-type', message: `operator \`${op.name}\` needs ${expected} as \`value\`, got ${typeName(value)}` };
  if (op.value === 'regex') {
    try {
      new RegExp(value as string, 'u');
    } catch (error) {
      return { code: 'condition.bad-regex', message: `pattern \`${String(value)}\` does not compile: ${(error as Error).message}` };
    }
  }
  return null;
}

/** Which declared attribute types make sense for which operators (literal values only). */
function checkAttributeType(fact: string, op: OperatorDefinition, value: unknown, path: Path, options: CheckOptions, report: Report): void {
  if (!options.attributes) return;
  const declared = options.attributes[fact] ?? DERIVED_FACTS[fact];
  if (declared === undefined) {
    report('condition.unknown-fact', `fact \`${fact}\` is not a declared attribute (settings \`attributes\`)`, [...path, 'fact'], 'warning');
    return;
  }
  if (isFactRef(value) || op.name === 'exists') return;
  const scalar = (v: unknown) => fitsType(declared === 'string[]' ? 'string' : declared, v);
  let fits = true;
  if (op.value === 'array') fits = (value as unknown[]).every(scalar);
  else if (op.value === 'any') fits = scalar(value);
  const operatorFits = operatorSuitsType(op, declared);
  if (!operatorFits) {
    report('condition.attribute-type', `operator \`${op.name}\` does not apply to \`${fact}\`, declared \`${declared}\``, [...path, 'operator']);
  } else if (!fits) {
    report('condition.attribute-type', `\`${fact}\` is declared \`${declared}\` but \`value\` is ${typeName(value)}`, [...path, 'value']);
  }
}

function fitsType(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number';
    case 'boolean': return typeof value === 'boolean';
    case 'date': return isDate(value);
    case 'string[]': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object': return true;
  }
}

function operatorSuitsType(op: OperatorDefinition, type: AttributeType): boolean {
  if (op.accepts === Array.isArray) return type === 'string[]' || type === 'object';
  if (op.value === 'string' || op.value === 'regex') return type === 'string' || type === 'date';
  if (op.value === 'days' || op.value === 'dateOrDays') return type === 'date' || type === 'string';
  if (op.name.startsWith('lessThan') || op.name.startsWith('greaterThan')) return type === 'number' || type === 'date';
  return true;
}

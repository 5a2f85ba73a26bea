// zod issues → catalogue diagnostics. Unions are resolved to the branch the author most
// plausibly meant, so a typo reports one precise problem instead of every alternative.
import type { z } from 'zod';
import { DIAGNOSTICS, error } from '../diagnostics.ts';
import type { DiagnosticCode } from '../diagnostics.ts';
import type { DocPath } from '../parse.ts';
import { ID_PATTERN } from '../rules/common.ts';
import type { Diagnostic } from '../types.ts';

type Issue = z.core.$ZodIssue;

export function formatPath(path: DocPath): string {
  return path.reduce<string>((out, segment) => (typeof segment === 'number' ? `${out}[${segment}]` : out ? `${out}.${segment}` : segment), '');
}

export function valueAt(value: unknown, path: DocPath): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/**
 * The path of the first node of `value` that `found` picks (what is under it is not visited), or
 * undefined. Iterative: it must not overflow the stack on the values it exists to refuse (zod's
 * recursive schemas and JSON.stringify do, on a few thousand levels).
 */
export function findPath(value: unknown, found: (node: unknown, path: DocPath) => boolean): DocPath | undefined {
  const stack: [unknown, DocPath][] = [[value, []]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, path] = next;
    if (found(node, path)) return path;
    if (node !== null && typeof node === 'object') for (const [key, child] of Object.entries(node)) stack.push([child, [...path, Array.isArray(node) ? Number(key) : key]]);
  }
  return undefined;
}

/** The path of the first node nested deeper than `max` levels in `value`, or undefined. */
export function nestedDeeperThan(value: unknown, max: number): DocPath | undefined {
  return findPath(value, (node, path) => node !== null && typeof node === 'object' && path.length >= max);
}

/** A value as a message shows it: a long string by its start and length, so a refusal never echoes a megabyte back. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value.length > SHOWN_LENGTH ? `\`${value.slice(0, SHOWN_LENGTH)}…\` (${value.length} characters)` : `\`${value}\``;
  return `${typeof value} \`${String(value)}\``;
}

const SHOWN_LENGTH = 80;

/** Diagnostics (without file/line) for zod issues against `doc`; paths are absolute. */
export function issuesToDiagnostics(issues: readonly Issue[], doc: unknown, base: DocPath = []): Diagnostic[] {
  return withoutUnions(issues, doc, base).flatMap((issue) => issueToDiagnostics(issue, doc));
}

function issueToDiagnostics(issue: PlainIssue, doc: unknown): Diagnostic[] {
  const path = issue.path as DocPath;
  const at = formatPath(path);
  const value = valueAt(doc, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => error('rule.unknown-key', `unknown key \`${key}\`${at ? ` in \`${at}\`` : ''}`, { path: [...path, key] }));
    case 'invalid_type':
      if (value === undefined) return [error('rule.missing-field', `missing required field \`${at}\``, { path })];
      return [error('rule.invalid-type', `\`${at}\` must be ${[...new Set(issue.expectedAny ?? [issue.expected])].map(article).join(' or ')}, got ${describeValue(value)}`, { path })];
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue && issue.pattern === String(ID_PATTERN)) {
        return [error('rule.invalid-id', `invalid ${at === 'id' ? 'id' : `\`${at}\``} ${describeValue(value)}: use lowercase letters, digits and single dashes, e.g. \`eng-github\``, { path })];
      }
      return [error('rule.invalid-value', `\`${at}\` ${describeValue(value)} is not a valid ${issue.format}`, { path })];
    case 'invalid_value':
      if (value === undefined) return [error('rule.missing-field', `missing required field \`${at}\`: ${oneOf(issue.values)}`, { path })];
      return [error('rule.invalid-value', `\`${at}\` must be ${oneOf(issue.values)}, got ${describeValue(value)}`, { path })];
    case 'too_small':
    case 'too_big':
      return [error('rule.invalid-value', `\`${at}\` ${sizeProblem(issue)}, got ${describeValue(value)}`, { path })];
    case 'custom': {
      const requested = issue.params?.code;
      const code: DiagnosticCode = typeof requested === 'string' && requested in DIAGNOSTICS ? (requested as DiagnosticCode) : 'rule.invalid-value';
      return [error(code, issue.message, { path })];
    }
    default:
      return [error('rule.invalid-value', `\`${at}\`: ${lowerFirst(issue.message)}`, { path })];
  }
}

/** An issue with no union left in it; `expectedAny` lists every type when no branch's type fits the value. */
export type PlainIssue = Issue & { expectedAny?: string[] };

/**
 * The issues with every union's refusal replaced by what its value most plausibly meant, paths
 * made absolute: a tag (a discriminator, or a literal every branch refuses at the same spot) that
 * is wrong or missing is one issue there naming every option; a value no branch's type fits is one
 * issue naming every type; otherwise the issues of the branch that fits best, unions resolved in
 * them too. zod's own refusal reads only "Invalid input", naming neither what nor where.
 */
export function withoutUnions(issues: readonly Issue[], input: unknown, base: DocPath = []): PlainIssue[] {
  return issues.flatMap((issue): PlainIssue[] => {
    const path: DocPath = [...base, ...(issue.path as DocPath)];
    if (issue.code !== 'invalid_union') return [{ ...issue, path }];
    const tag = wrongTag(issue, input, path);
    if (tag) return [tag];
    const branches = issue.errors.map((branch) => withoutUnions(branch, input, path));
    return noTypeFits(branches, input) ?? bestBranch(branches, path.length);
  });
}

function wrongTag(issue: z.core.$ZodIssueInvalidUnion, input: unknown, path: DocPath): PlainIssue | undefined {
  // z.discriminatedUnion: no branch was tried; zod's path already ends at the discriminator.
  if (issue.errors.length === 0 && issue.discriminator !== undefined && 'options' in issue && issue.options) {
    return tagIssue(issue.options, input, path);
  }
  // z.union of tagged objects: every branch refused the same key's literal.
  const [first, ...others] = issue.errors;
  for (const candidate of first ?? []) {
    if (candidate.code !== 'invalid_value') continue;
    const same = (i: Issue) => i.code === 'invalid_value' && samePath(i.path, candidate.path);
    const tags = others.map((branch) => branch.find(same));
    if (others.length > 0 && tags.every((t) => t !== undefined)) {
      const values = [candidate, ...tags].flatMap((t) => (t?.code === 'invalid_value' ? t.values : []));
      return tagIssue([...new Set(values)], input, [...path, ...(candidate.path as DocPath)]);
    }
  }
  return undefined;
}

function tagIssue(values: readonly z.core.util.Primitive[], input: unknown, path: DocPath): PlainIssue {
  return { code: 'invalid_value', values: [...values], path, message: notAnOption(values, valueAt(input, path)) };
}

/** A value that is none of `values` (or is absent), said with what it must be. */
export function notAnOption(values: readonly unknown[], value: unknown): string {
  return value === undefined ? `missing: must be ${oneOf(values)}` : `must be ${oneOf(values)} (got ${describeValue(value)})`;
}

/** Every branch refused the value's type or format, at one spot: one issue naming every one. */
function noTypeFits(branches: PlainIssue[][], input: unknown): PlainIssue[] | undefined {
  const spot = branches[0]?.[0]?.path ?? [];
  const expected: string[] = [];
  for (const branch of branches) {
    const [only, ...rest] = branch;
    if (!only || rest.length > 0 || !samePath(only.path, spot)) return undefined;
    if (only.code === 'invalid_type') expected.push(...(only.expectedAny ?? [only.expected]));
    else if (only.code === 'invalid_format') expected.push(only.format);
    else return undefined;
  }
  const types = [...new Set(expected)];
  return [{ code: 'invalid_type', expected: types[0] as z.core.$ZodIssueInvalidType['expected'], expectedAny: types, path: spot, message: notOfType(types, valueAt(input, spot as DocPath)) }];
}

/** A value of none of `types` (or absent), said with what it must be; zod's own reads `received NaN` for `?limit=abc`. */
export function notOfType(types: readonly string[], value: unknown): string {
  if (value === undefined) return `missing: expected ${types.join(' or ')}`;
  // JSON's 1e400 reads as Infinity: a number, but not one any field takes.
  if (typeof value === 'number' && !Number.isFinite(value)) return `expected a finite ${types.join(' or ')}, got ${describeValue(value)}`;
  return `expected ${types.join(' or ')}, got ${describeValue(value)}`;
}

const samePath = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.length === b.length && a.every((segment, i) => segment === b[i]);

/**
 * The branch whose shape fits best: a value of the wrong type altogether fits worst, then a
 * literal tag it does not carry, then unknown keys and absent fields, then any other issue.
 */
function bestBranch(branches: PlainIssue[][], depth: number): PlainIssue[] {
  let best: PlainIssue[] = branches[0] ?? [];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    const score = branch.reduce((sum, issue) => sum + issueWeight(issue, issue.path.length - depth), 0);
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** How badly an issue `depth` keys below the union says its branch fits. */
function issueWeight(issue: PlainIssue, depth: number): number {
  if (issue.code === 'invalid_type' && depth === 0) return 1_000_000;
  if (issue.code === 'invalid_value' && issue.values.length === 1 && depth === 1) return 100_000;
  if (issue.code === 'unrecognized_keys') return 1000 * issue.keys.length;
  if (issue.code === 'invalid_type' && depth === 1) return 1000;
  return 1;
}

function oneOf(values: readonly unknown[]): string {
  return `${values.length > 1 ? 'one of ' : ''}${values.map((v) => `\`${String(v)}\``).join(', ')}`;
}

function sizeProblem(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const least = issue.code === 'too_small';
  if (issue.origin === 'array') return `needs ${least ? 'at least' : 'at most'} ${bound} item${bound === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return least && bound === 1 ? 'must not be empty' : `must be ${least ? 'at least' : 'at most'} ${bound} characters`;
  return `must be ${least ? 'at least' : 'at most'} ${bound}`;
}

function article(type: string): string {
  const names: Record<string, string> = { array: 'a list', object: 'a mapping', record: 'a mapping', string: 'a string', number: 'a number', boolean: '`true` or `false`', null: 'null', int: 'a whole number' };
  return names[type] ?? `a ${type}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

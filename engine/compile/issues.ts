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

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `\`${value}\``;
  return `${typeof value} \`${String(value)}\``;
}

/** Diagnostics (without file/line) for zod issues against `doc`; paths are absolute. */
export function issuesToDiagnostics(issues: readonly Issue[], doc: unknown, base: DocPath = []): Diagnostic[] {
  return issues.flatMap((issue) => issueToDiagnostics(issue, doc, base));
}

function issueToDiagnostics(issue: Issue, doc: unknown, base: DocPath): Diagnostic[] {
  const path: DocPath = [...base, ...(issue.path as DocPath)];
  const at = formatPath(path);
  const value = valueAt(doc, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => error('rule.unknown-key', `unknown key \`${key}\`${at ? ` in \`${at}\`` : ''}`, { path: [...path, key] }));
    case 'invalid_union': {
      const merged = mergedTypeIssue(issue, value, path);
      if (merged) return [merged];
      const branch = bestBranch(issue.errors);
      return issuesToDiagnostics(branch, doc, path);
    }
    case 'invalid_type':
      if (value === undefined) return [error('rule.missing-field', `missing required field \`${at}\``, { path })];
      return [error('rule.invalid-type', `\`${at}\` must be ${article(issue.expected)}, got ${describeValue(value)}`, { path })];
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue && issue.pattern === String(ID_PATTERN)) {
        return [error('rule.invalid-id', `invalid ${at === 'id' ? 'id' : `\`${at}\``} ${describeValue(value)}: use lowercase letters, digits and single dashes, e.g. \`eng-github\``, { path })];
      }
      return [error('rule.invalid-value', `\`${at}\` ${describeValue(value)} is not a valid ${issue.format}`, { path })];
    case 'invalid_value':
      return [error('rule.invalid-value', `\`${at}\` must be ${issue.values.length > 1 ? 'one of ' : ''}${issue.values.map((v) => `\`${String(v)}\``).join(', ')}, got ${describeValue(value)}`, { path })];
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

/** `a | b | c` of plain types all failing at the same spot: one "must be a or b" diagnostic. */
function mergedTypeIssue(issue: z.core.$ZodIssueInvalidUnion, value: unknown, path: DocPath): Diagnostic | undefined {
  const expected: string[] = [];
  for (const branch of issue.errors) {
    const [only, ...rest] = branch;
    if (!only || rest.length > 0 || only.path.length > 0 || only.code !== 'invalid_type') return undefined;
    expected.push(only.expected);
  }
  const at = formatPath(path);
  if (value === undefined) return error('rule.missing-field', `missing required field \`${at}\``, { path });
  return error('rule.invalid-type', `\`${at}\` must be ${[...new Set(expected)].map(article).join(' or ')}, got ${describeValue(value)}`, { path });
}

/**
 * The branch whose shape fits best: a value of the wrong type altogether fits worst, then
 * unknown keys and absent fields, then any other issue.
 */
function bestBranch(branches: Issue[][]): Issue[] {
  let best: Issue[] = branches[0] ?? [];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    const score = branch.reduce((sum, issue) => sum + issueWeight(issue), 0);
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function issueWeight(issue: Issue): number {
  if (issue.code === 'invalid_type' && issue.path.length === 0) return 1_000_000;
  if (issue.code === 'unrecognized_keys') return 1000 * issue.keys.length;
  if (issue.code === 'invalid_type' && issue.path.length === 1) return 1000;
  return 1;
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

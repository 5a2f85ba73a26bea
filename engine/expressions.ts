// Attribute mappings and computed values are CEL expressions (@marcbachmann/cel-js: a
// maintained, synchronous CEL implementation that never uses eval). Parse and type errors
// are found once at compile time; evaluation returns a value or an error, never throws.
//
// Variables: `user` (the profile, a map: `user.email`, `user.address.city`) and `app`
// (`app.id`, `app.name`). Whole numbers in the profile are CEL `int`, others `double`;
// mix them with `double(user.x)`. Available functions (CEL standard library plus `replace`):
//   strings: `+`, size, contains, startsWith, endsWith, matches, indexOf, lastIndexOf,
//            substring, lowerAscii, upperAscii, trim, split, replace(old, new)
//   lists:   size, join, `in`, [i], all/exists/exists_one/map/filter macros
//   other:   has(user.x), `c ? a : b`, string()/int()/double()/bool()/timestamp(), dyn(),
//            cel.bind(name, value, expr), timestamp methods (getFullYear(tz)…)
//
// Most mappings are simple (`user.email.lowerAscii()`, `user.firstName + " " + user.lastName`):
// those also get a fast path of plain closures (expressions-fast.ts) that answers only when its
// answer is cel-js's and hands everything else to cel-js; expressions-fast.test.ts compares both.
import { Environment } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';
import { BAIL, compileFast } from './expressions-fast.ts';
import type { DiagnosticCode } from './diagnostics.ts';
import type { CompiledMapping, Json, User } from './types.ts';

export type ExpressionValue = { ok: true; value: Json } | { ok: false; error: string };

export interface ExpressionVars {
  user: User;
  app: { id: string; name: string };
}

export interface CompiledExpression {
  source: string;
  evaluate(vars: ExpressionVars): ExpressionValue;
}

export interface ExpressionProblem {
  code: Extract<DiagnosticCode, 'expr.syntax' | 'expr.type'>;
  message: string;
}

export type CompileExpressionResult = { ok: true; value: CompiledExpression } | { ok: false; problem: ExpressionProblem };

export const EXPRESSION_VARIABLES = ['user', 'app'] as const;

// Built once: creating a CEL environment is costly, and nothing registers into it later.
const environment = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('user', 'map', { description: 'the user profile' })
  .registerVariable('app', 'map', { description: 'the app: `id` and `name`' })
  .registerFunction('string.replace(string, string): string', (text: string, from: string, to: string) => text.split(from).join(to), {
    description: 'every occurrence of the first argument replaced by the second',
  });

let fastPathEnabled = true;

/**
 * Turns the fast path for simple expressions on (the default) or off, for expressions
 * compiled from now on (`compileExpression`'s option overrides it for one call). Results are
 * the same either way: the benchmark (bench/plan-cost.bench.ts) and tests compare them.
 */
export function setExpressionFastPath(enabled: boolean): void {
  fastPathEnabled = enabled;
}

/**
 * Parses and type-checks a CEL expression. Simple expressions also get a fast path
 * (expressions-fast.ts) that answers whenever its answer is cel-js's; cel-js answers the rest.
 */
export function compileExpression(source: string, options: { fastPath?: boolean } = {}): CompileExpressionResult {
  let parsed: ((context: Record<string, unknown>) => unknown) & { ast: ASTNode };
  try {
    parsed = environment.parse(source) as unknown as typeof parsed;
  } catch (caught) {
    return { ok: false, problem: { code: 'expr.syntax', message: `expression \`${source}\` does not parse: ${firstLine(caught)}` } };
  }
  const checked = environment.check(source);
  if (!checked.valid) {
    return { ok: false, problem: { code: 'expr.type', message: `expression \`${source}\` is invalid: ${firstLine(checked.error)}` } };
  }
  const run = parsed;
  const slow = (vars: ExpressionVars): ExpressionValue => {
    try {
      return toJson(run({ user: toCel(vars.user), app: vars.app }));
    } catch (caught) {
      return { ok: false, error: evaluationError(caught) };
    }
  };
  const fast = (options.fastPath ?? fastPathEnabled) ? fastOrNone(parsed.ast) : undefined;
  if (fast === undefined) return { ok: true, value: { source, evaluate: slow } };
  return {
    ok: true,
    value: {
      source,
      evaluate(vars) {
        const value = fast(vars.user, vars.app);
        return value === BAIL ? slow(vars) : { ok: true, value };
      },
    },
  };
}

/** The fast path, if the tree is simple; a tree shape it does not expect leaves it to cel-js. */
function fastOrNone(ast: ASTNode): ReturnType<typeof compileFast> {
  try {
    return compileFast(ast);
  } catch {
    return undefined;
  }
}

function evaluationError(caught: unknown): string {
  const code = typeof caught === 'object' && caught !== null && 'code' in caught ? String(caught.code) : '';
  const message = firstLine(caught);
  const key = /no such key: (.+)$/i.exec(message)?.[1];
  if (code === 'no_such_key' && key !== undefined) return `needs \`${key}\``;
  return message;
}

function firstLine(caught: unknown): string {
  const message = caught instanceof Error ? caught.message : String(caught);
  const line = message.split('\n')[0]?.trim() ?? '';
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** Profile data as CEL sees it: whole numbers are `int` (bigint); absent members are absent. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = toCel(member);
    return out;
  }
  return value;
}

/** CEL results as plain JSON: bigint → number, timestamp → ISO string, maps → objects. */
export function toJson(value: unknown): ExpressionValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'bigint') {
    const asNumber = Number(value);
    return Number.isSafeInteger(asNumber) ? { ok: true, value: asNumber } : { ok: false, error: `result \`${value}\` is too large for a json number` };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, value } : { ok: false, error: `result \`${value}\` is not a finite number` };
  if (value instanceof Date) return { ok: true, value: value.toISOString() };
  if (Array.isArray(value)) return collect(value.map(toJson), (items) => items);
  if (value instanceof Map) {
    const entries = [...value.entries()];
    return collect(entries.map(([, member]) => toJson(member)), (items) => Object.fromEntries(items.map((item, i) => [String(entries[i]?.[0]), item])));
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value);
    return collect(entries.map(([, member]) => toJson(member)), (items) => Object.fromEntries(items.map((item, i) => [entries[i]?.[0] ?? '', item])));
  }
  const kind = value instanceof Uint8Array ? 'bytes' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return { ok: false, error: `result of type \`${kind}\` cannot be stored as an attribute` };
}

function collect(results: ExpressionValue[], build: (items: Json[]) => Json): ExpressionValue {
  const items: Json[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    items.push(result.value);
  }
  return { ok: true, value: build(items) };
}

/** A named attribute mapping over a compiled expression (CompiledMapping in types.ts). */
export function toMapping(name: string, expression: CompiledExpression, createOnly: boolean): CompiledMapping {
  return {
    name,
    expr: expression.source,
    createOnly,
    evaluate: (user, app) => expression.evaluate({ user, app: { id: app.id, name: app.name ?? app.id } }),
  };
}

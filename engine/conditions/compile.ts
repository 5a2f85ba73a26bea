import type { CompiledCondition, Condition, ConditionTrace, EvalContext, Json, LeafCondition, User } from '../types.ts';
import { isFactRef } from './check.ts';
import { resolveOperator, evaluateDynamic } from './operators/registry.ts';
import type { OperatorDefinition } from './operators/definition.ts';
import { parsePath, resolvePath } from './path.ts';

// Conditions become plain closures: no code generation of any kind (Workers forbid it).
// `test` is the hot path; `trace` re-walks the tree and records every value it saw.

type Test = (user: User, ctx: EvalContext) => boolean;
type Read = (user: User) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** json-rules-engine looks facts up in a Map: inherited names like `constructor` are absent. */
function factReader(fact: string, path: string | undefined): Read {
  const inherited = fact in Object.prototype;
  const read: Read = inherited ? (user) => (hasOwn.call(user, fact) ? user[fact] : undefined) : (user) => user[fact];
  if (path === undefined) return read;
  const parsed = parsePath(path);
  if (!parsed.ok) throw new Error(parsed.error);
  const segments = parsed.segments;
  return (user) => resolvePath(read(user), segments);
}

interface Leaf {
  read: Read;
  readValue: (user: User) => unknown;
  compare: (fact: unknown, value: unknown, ctx: EvalContext) => boolean;
  test: Test;
}

function compileLeaf(leaf: LeafCondition): Leaf {
  const resolved = resolveOperator(leaf.operator);
  if ('error' in resolved) throw new Error(resolved.error);
  const { base, decorators } = resolved;
  const read = factReader(leaf.fact, leaf.path);
  const ref = isFactRef(leaf.value) ? leaf.value : undefined;
  const literal = leaf.value as unknown;
  const readValue = ref ? factReader(ref.fact, ref.path) : () => literal;

  // The decorated comparison, innermost decorator (rightmost in the name) applied first,
  // each guarded by its own fact validator as json-rules-engine's decorated Operator is.
  let ctxNow: EvalContext | undefined;
  let chain = (fact: unknown, value: unknown): boolean => evaluateDynamic(base, fact, value, ctxNow!);
  for (let i = decorators.length - 1; i >= 0; i--) {
    const decorator = decorators[i]!;
    const inner = decorator.decorate(chain);
    const accepts = decorator.accepts;
    chain = accepts ? (fact, value) => accepts(fact) && inner(fact, value) : inner;
  }
  // Without decorators or a fact reference the value is the literal: compiled once, with the
  // operator's fact guard, for both `test` and `trace`.
  const direct = decorators.length === 0 && !ref ? guardedLiteral(base, literal) : undefined;
  const compare = direct
    ? (fact: unknown, _value: unknown, ctx: EvalContext): boolean => direct(fact, ctx)
    : (fact: unknown, value: unknown, ctx: EvalContext): boolean => {
        ctxNow = ctx;
        return chain(fact, value);
      };

  let test: Test;
  if (!direct) {
    test = (user, ctx) => compare(read(user), readValue(user), ctx);
  } else if (base.name === 'equal' && leaf.path === undefined && !(leaf.fact in Object.prototype)) {
    const fact = leaf.fact;
    test = (user) => user[fact] === literal;
  } else {
    test = (user, ctx) => direct(read(user), ctx);
  }
  return { read, readValue, compare, test };
}

/** `base` against a fixed value, behind the operator's fact guard (as json-rules-engine checks it). */
function guardedLiteral(base: OperatorDefinition, literal: unknown): (fact: unknown, ctx: EvalContext) => boolean {
  const cmp = base.compile(literal);
  const accepts = base.accepts;
  return accepts ? (fact, ctx) => accepts(fact) && cmp(fact, ctx) : cmp;
}

interface Node {
  test: Test;
  trace(user: User, ctx: EvalContext): ConditionTrace;
}

function branchKey(condition: Condition): 'all' | 'any' | 'not' | undefined {
  if (hasOwn.call(condition, 'all')) return 'all';
  if (hasOwn.call(condition, 'any')) return 'any';
  if (hasOwn.call(condition, 'not')) return 'not';
  return undefined;
}

function compileNode(condition: Condition, facts: Set<string>): Node {
  const key = branchKey(condition);
  if (key === 'not') {
    const child = compileNode((condition as { not: Condition }).not, facts);
    const childTest = child.test;
    return {
      test: (user, ctx) => !childTest(user, ctx),
      trace: (user, ctx) => {
        const inner = child.trace(user, ctx);
        return { type: 'not', result: !inner.result, children: [inner] };
      },
    };
  }
  if (key === 'all' || key === 'any') {
    const children = ((condition as unknown as Record<string, Condition[]>)[key] ?? []).map((c) => compileNode(c, facts));
    const tests = children.map((c) => c.test);
    const test = key === 'all' ? allOf(tests) : anyOf(tests);
    return {
      test,
      trace: (user, ctx) => {
        const traces: ConditionTrace[] = new Array(children.length);
        // Each child's trace result is its test's (the reference test checks it): decide from them.
        let held = 0;
        for (let i = 0; i < children.length; i++) {
          const child = (children[i] as Node).trace(user, ctx);
          traces[i] = child;
          if (child.result) held++;
        }
        const result = key === 'all' ? held === children.length : children.length === 0 || held > 0;
        return { type: key, result, children: traces };
      },
    };
  }
  const leaf = condition as LeafCondition;
  facts.add(leaf.fact);
  if (isFactRef(leaf.value)) facts.add(leaf.value.fact);
  const compiled = compileLeaf(leaf);
  return {
    test: compiled.test,
    trace: (user, ctx) => {
      const seen = compiled.read(user);
      const trace: ConditionTrace = {
        type: 'leaf',
        fact: leaf.fact,
        operator: leaf.operator,
        value: leaf.value as Json,
        seen,
        result: compiled.compare(seen, compiled.readValue(user), ctx),
      };
      if (leaf.path !== undefined) trace.path = leaf.path;
      return trace;
    },
  };
}

// json-rules-engine: an empty `all` or `any` is true; one child decides alone.
function allOf(tests: Test[]): Test {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (user, ctx) => a(user, ctx) && b(user, ctx);
  }
  return (user, ctx) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(user, ctx)) return false;
    return true;
  };
}

function anyOf(tests: Test[]): Test {
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const [a, b] = tests as [Test, Test];
    return (user, ctx) => a(user, ctx) || b(user, ctx);
  }
  return (user, ctx) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(user, ctx)) return true;
    return false;
  };
}

/**
 * Compiles a condition that `checkCondition` found free of errors. A leaf at the root is
 * accepted as if wrapped in `all` (json-rules-engine itself insists on a boolean root).
 */
export function compileCondition(condition: Condition): CompiledCondition {
  const facts = new Set<string>();
  const node = compileNode(condition, facts);
  return { test: node.test, trace: node.trace, facts: [...facts].sort() };
}

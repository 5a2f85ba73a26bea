// json-rules-engine is the reference evaluator: for random rules and users, Roster's compiled
// closures must decide exactly as it does. Roster's extra operators are registered in the
// reference from the same definitions (`jsonRulesEngineOperators`); the built-ins are its own.
import fc from 'fast-check';
import { Engine, Operator } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../context.ts';
import type { Condition, ConditionTrace, EvalContext, User } from '../types.ts';
import { checkCondition } from './check.ts';
import { compileCondition } from './compile.ts';
import type { ValueKind } from './operators/definition.ts';
import { decorators as decoratorRegistry, jsonRulesEngineOperators, operators } from './operators/registry.ts';

const RUNS = Number(process.env.ROSTER_PROPERTY_RUNS ?? 10_000);

const FACTS = ['department', 'title', 'level', 'tags', 'manager', 'startDate', 'active', 'score', 'missing', 'constructor'];
const STRINGS = ['Engineering', 'Sales', 'eng', '', 'Engineering ', 'Engineer', 'Senior Engineer', 'Manager', 'VP Sales', 'a', 'b', '3'];
const DATES = ['2025-01-15', '2026-06-30', '2026-11-28', '2027-03-01T09:30:00Z', '2026-11-28T23:59:59+11:00', '2024-02-29'];

const scalar = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom('3', '3.5x', 'abc', '10'),
  fc.double({ min: -5, max: 15, noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(...DATES),
);
const strings = fc.array(fc.constantFrom(...STRINGS), { maxLength: 4 });

const user: fc.Arbitrary<User> = fc
  .record(
    {
      department: fc.constantFrom('Engineering', 'Sales', 'eng', '', 'Engineering '),
      title: fc.constantFrom('Engineer', 'Senior Engineer', 'Manager', 'VP Sales'),
      level: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom('3', '3.5x', 'abc')),
      tags: fc.oneof(strings, fc.constantFrom('Engineering', 3)),
      manager: fc.oneof(
        fc.record({ id: fc.constantFrom('m1', 'm2'), level: fc.integer({ min: 0, max: 10 }), tags: strings }, { requiredKeys: [], noNullPrototype: true }),
        fc.constant(null),
        fc.constant('m1'),
      ),
      startDate: fc.oneof(fc.constantFrom(...DATES), fc.constant('n/a'), fc.integer({ min: 0, max: 5 })),
      active: fc.boolean(),
      score: fc.oneof(fc.double({ min: -5, max: 15, noNaN: true }), scalar),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((profile) => ({ id: 'u1', ...profile }));

function valueFor(kind: ValueKind): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'any': return fc.oneof(scalar, strings);
    case 'array': return fc.array(fc.oneof(scalar, strings), { maxLength: 12 });
    case 'string': return fc.constantFrom(...STRINGS, 'Eng', 'er', ' ');
    case 'regex': return fc.constantFrom('^Eng', 'er$', '\\d+', 'a|b', '^$', '[A-Z][a-z]+');
    case 'boolean': return fc.boolean();
    case 'days': return fc.integer({ min: 0, max: 800 });
    case 'dateOrDays': return fc.oneof(fc.integer({ min: -800, max: 800 }), fc.constantFrom(...DATES));
  }
}

const PATHS = ['$.id', '$.level', '$.tags', '$.tags[0]', "$['id']", '$.missing', 'id', '$', '$[1]'];

const DECORATOR_CHAINS: string[][] = [[], [], [], ['not'], ['someFact'], ['everyFact'], ['someValue'], ['everyValue'], ['swap'], ['not', 'someFact'], ['someFact', 'not'], ['everyValue', 'not']];

const leaf: fc.Arbitrary<Condition> = fc
  .record({
    fact: fc.constantFrom(...FACTS),
    base: fc.constantFrom(...operators.keys()),
    chain: fc.constantFrom(...DECORATOR_CHAINS),
    usePath: fc.boolean(),
    path: fc.constantFrom(...PATHS),
    factRef: fc.integer({ min: 0, max: 9 }),
    refFact: fc.constantFrom(...FACTS),
    seed: fc.nat(),
  })
  .chain(({ fact, base, chain, usePath, path, factRef, refFact }) => {
    const op = operators.get(base)!;
    const swapped = chain.includes('swap');
    const listDecorators = chain.filter((d) => decoratorRegistry.get(d)!.value === 'array').length;
    const literalOnly = op.value === 'array' || op.value === 'regex';
    if (swapped && literalOnly) chain = chain.filter((d) => d !== 'swap');
    let value = valueFor(op.value);
    for (let i = 0; i < listDecorators; i++) value = fc.array(value, { maxLength: 4 });
    if (factRef === 0 && !literalOnly && listDecorators === 0) value = fc.constant({ fact: refFact });
    const withPath = usePath && (fact === 'manager' || fact === 'tags');
    return value.map((v) => ({
      fact,
      operator: [...chain, base].join(':'),
      value: v,
      ...(withPath ? { path } : {}),
    }) as Condition);
  });

const condition: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ any: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({ not: tie('node') }),
  ) as fc.Arbitrary<Condition>,
})).node;

const rootCondition = fc.oneof(
  fc.record({ all: fc.array(condition, { minLength: 0, maxLength: 4 }) }),
  fc.record({ any: fc.array(condition, { minLength: 0, maxLength: 4 }) }),
  fc.record({ not: condition }),
) as fc.Arbitrary<Condition>;

const asOf = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }).map((ms) => new Date(ms).toISOString());

async function reference(conditions: Condition, facts: User, ctx: EvalContext): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const op of jsonRulesEngineOperators(ctx)) engine.addOperator(new Operator(op.name, op.cb, op.validator));
  engine.addRule({ conditions: structuredClone(conditions) as never, event: { type: 'match' } });
  const { events } = await engine.run(structuredClone(facts) as Record<string, unknown>);
  return events.length === 1;
}

/** Every node of a trace says what that part, compiled on its own, decides for the user. */
function expectLeavesDecideAlone(cond: Condition, trace: ConditionTrace, profile: User, ctx: EvalContext): void {
  expect(trace.result).toBe(compileCondition(cond).test(profile, ctx));
  if (trace.type === 'leaf') return;
  const children = trace.type === 'not' ? [(cond as { not: Condition }).not] : ((cond as unknown as Record<string, Condition[]>)[trace.type] ?? []);
  expect(trace.children).toHaveLength(children.length);
  trace.children.forEach((child, i) => expectLeavesDecideAlone(children[i] as Condition, child, profile, ctx));
}

describe('compiled conditions against json-rules-engine', () => {
  it(`decide exactly as the reference for ${RUNS} random rules and users`, async () => {
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(rootCondition, user, asOf, async (cond, profile, at) => {
        const errors = checkCondition(cond).filter((d) => d.severity === 'error');
        expect(errors).toEqual([]);
        const ctx = makeContext(at);
        const compiled = compileCondition(cond);
        const ours = compiled.test(profile, ctx);
        const trace = compiled.trace(profile, ctx);
        expect(trace.result).toBe(ours);
        expectLeavesDecideAlone(cond, trace, profile, ctx);
        expect(ours).toBe(await reference(cond, profile, ctx));
        if (ours) matched++;
      }),
      { numRuns: RUNS },
    );
    // Both outcomes must be exercised, or the comparison proves little.
    expect(matched).toBeGreaterThan(RUNS * 0.1);
    expect(matched).toBeLessThan(RUNS * 0.9);
  });
});

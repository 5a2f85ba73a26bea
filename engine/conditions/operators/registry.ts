import type { EvalContext } from '../../types.ts';
import type { DecoratorDefinition, OperatorDefinition } from './definition.ts';
import { after } from './after.ts';
import { before } from './before.ts';
import { contains } from './contains.ts';
import { everyFact, everyValue, not, someFact, someValue, swap } from './decorators.ts';
import { doesNotContain } from './does-not-contain.ts';
import { endsWith } from './ends-with.ts';
import { equal } from './equal.ts';
import { exists } from './exists.ts';
import { greaterThanInclusive } from './greater-than-inclusive.ts';
import { greaterThan } from './greater-than.ts';
import { inOperator } from './in.ts';
import { lessThanInclusive } from './less-than-inclusive.ts';
import { lessThan } from './less-than.ts';
import { matches } from './matches.ts';
import { notEqual } from './not-equal.ts';
import { notIn } from './not-in.ts';
import { startsWith } from './starts-with.ts';
import { withinDays } from './within-days.ts';
import { withinNextDays } from './within-next-days.ts';
import { withinPastDays } from './within-past-days.ts';

const operatorList: OperatorDefinition[] = [
  equal, notEqual, inOperator, notIn, contains, doesNotContain,
  lessThan, lessThanInclusive, greaterThan, greaterThanInclusive,
  startsWith, endsWith, matches, exists,
  before, after, withinDays, withinPastDays, withinNextDays,
];
const decoratorList: DecoratorDefinition[] = [someFact, someValue, everyFact, everyValue, swap, not];

export const operators: ReadonlyMap<string, OperatorDefinition> = new Map(operatorList.map((op) => [op.name, op]));
export const decorators: ReadonlyMap<string, DecoratorDefinition> = new Map(decoratorList.map((d) => [d.name, d]));

export function operatorNames(): string[] {
  return [...operators.keys()];
}

export function decoratorNames(): string[] {
  return [...decorators.keys()];
}

/** An operator name split json-rules-engine's way: `not:someFact:equal` → decorators + base. */
export interface ResolvedOperator {
  decorators: DecoratorDefinition[];
  base: OperatorDefinition;
}

export function resolveOperator(name: string): ResolvedOperator | { error: string } {
  const parts = name.split(':');
  const baseName = parts.pop()!;
  const base = operators.get(baseName);
  if (!base) return { error: `unknown operator \`${baseName}\`` };
  const chain: DecoratorDefinition[] = [];
  for (const part of parts) {
    const decorator = decorators.get(part);
    if (!decorator) return { error: `unknown operator decorator \`${part}\`` };
    chain.push(decorator);
  }
  return { decorators: chain, base };
}

/** The base operator with a value known only at evaluation time (decorators, the reference). */
export function evaluateDynamic(op: OperatorDefinition, fact: unknown, value: unknown, ctx: EvalContext): boolean {
  return (op.accepts === undefined || op.accepts(fact)) && op.compile(value)(fact, ctx);
}

/**
 * Roster's own operators in the shape json-rules-engine's `Operator` takes
 * (`new Operator(name, cb, validator)`), bound to one evaluation's `asOf`. The reference
 * registers exactly these; built-ins are json-rules-engine's own and are not replaced.
 */
export function jsonRulesEngineOperators(ctx: EvalContext): { name: string; cb: (fact: unknown, value: unknown) => boolean; validator?: (fact: unknown) => boolean }[] {
  return operatorList
    .filter((op) => !op.builtin)
    .map((op) => ({ name: op.name, cb: (fact: unknown, value: unknown) => op.compile(value)(fact, ctx), validator: op.accepts }));
}

/** Roster's own decorators for json-rules-engine (none today: all six are its built-ins). */
export function jsonRulesEngineDecorators(): { name: string; cb: (fact: unknown, value: unknown, next: (f: unknown, v: unknown) => boolean) => boolean; validator?: (fact: unknown) => boolean }[] {
  return decoratorList
    .filter((d) => !d.builtin)
    .map((d) => ({ name: d.name, cb: (fact: unknown, value: unknown, next: (f: unknown, v: unknown) => boolean) => d.decorate(next)(fact, value), validator: d.accepts }));
}

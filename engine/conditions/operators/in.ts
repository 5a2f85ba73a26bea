import type { OperatorDefinition } from './definition.ts';

/**
 * `indexOf` is strict equality; a Set is SameValueZero, which differs only for NaN, so
 * `fact === fact` keeps the two identical while lookups stay O(1) for long lists.
 */
export function memberOf(values: unknown[]): (fact: unknown) => boolean {
  if (values.length <= 8) return (fact) => values.indexOf(fact) > -1;
  const set = new Set(values);
  return (fact) => fact === fact && set.has(fact);
}

export const inOperator: OperatorDefinition = {
  kind: 'operator',
  name: 'in',
  builtin: true,
  describe: 'is one of',
  value: 'array',
  compile: (value) => {
    const has = memberOf(value as unknown[]);
    return (fact) => has(fact);
  },
};

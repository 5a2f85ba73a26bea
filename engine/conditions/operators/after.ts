import type { OperatorDefinition } from './definition.ts';
import { instantOf, referenceInstant } from './dates.ts';

/** `{fact: startDate, operator: after, value: 0}`: starts after `asOf`. */
export const after: OperatorDefinition = {
  kind: 'operator',
  name: 'after',
  builtin: false,
  describe: 'is after',
  value: 'dateOrDays',
  compile: (value) => {
    const ref = referenceInstant(value);
    return (fact, ctx) => instantOf(fact) > ref(ctx);
  },
};

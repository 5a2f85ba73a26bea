import type { OperatorDefinition } from './definition.ts';
import { instantOf, referenceInstant } from './dates.ts';

/** `{fact: startDate, operator: before, value: -90}`: started more than 90 days before `asOf`. */
export const before: OperatorDefinition = {
  kind: 'operator',
  name: 'before',
  builtin: false,
  describe: 'is before',
  value: 'dateOrDays',
  compile: (value) => {
    const ref = referenceInstant(value);
    return (fact, ctx) => instantOf(fact) < ref(ctx);
  },
};

import type { OperatorDefinition } from './definition.ts';
import { DAY_MS, instantOf } from './dates.ts';

/** Within N days of `asOf`, either side. */
export const withinDays: OperatorDefinition = {
  kind: 'operator',
  name: 'withinDays',
  builtin: false,
  describe: 'is within this many days of now',
  value: 'days',
  compile: (value) => {
    const span = (value as number) * DAY_MS;
    return (fact, ctx) => Math.abs(instantOf(fact) - ctx.asOfMs) <= span;
  },
};

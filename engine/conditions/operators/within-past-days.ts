import type { OperatorDefinition } from './definition.ts';
import { DAY_MS, instantOf } from './dates.ts';

/** In the N days up to and including `asOf`. */
export const withinPastDays: OperatorDefinition = {
  kind: 'operator',
  name: 'withinPastDays',
  builtin: false,
  describe: 'is within this many days before now',
  value: 'days',
  compile: (value) => {
    const span = (value as number) * DAY_MS;
    return (fact, ctx) => {
      const at = instantOf(fact);
      return at <= ctx.asOfMs && at >= ctx.asOfMs - span;
    };
  },
};

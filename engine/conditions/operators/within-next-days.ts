import type { OperatorDefinition } from './definition.ts';
import { DAY_MS, instantOf } from './dates.ts';

/** In the N days from `asOf` on: pre-hire staging, upcoming terminations. */
export const withinNextDays: OperatorDefinition = {
  kind: 'operator',
  name: 'withinNextDays',
  builtin: false,
  describe: 'is within this many days after now',
  value: 'days',
  compile: (value) => {
    const span = (value as number) * DAY_MS;
    return (fact, ctx) => {
      const at = instantOf(fact);
      return at >= ctx.asOfMs && at <= ctx.asOfMs + span;
    };
  },
};

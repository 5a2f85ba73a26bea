import type { EvalContext } from './types.ts';

/** The one place an evaluation's time is fixed. `asOf` must be an ISO-8601 instant. */
export function makeContext(asOf: string): EvalContext {
  const asOfMs = Date.parse(asOf);
  if (Number.isNaN(asOfMs)) throw new RangeError(`invalid asOf \`${asOf}\`: expected an ISO-8601 instant`);
  return { asOf: new Date(asOfMs).toISOString(), asOfMs };
}

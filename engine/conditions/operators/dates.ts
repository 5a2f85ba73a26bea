import type { EvalContext } from '../../types.ts';

export const DAY_MS = 86_400_000;

// A fact that is not a date reads as NaN, and every comparison with NaN is false: no validator
// is needed. Only ISO-8601 dates and instants: other formats parse differently across runtimes.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

// Profiles repeat the same few thousand dates across a population: parse each once.
// A bounded memo of a pure function: the answer for a string never changes.
const parsed = new Map<string, number>();
const PARSED_LIMIT = 50_000;

/** Milliseconds since the epoch for an ISO date or instant, else NaN. */
export function instantOf(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  let at = parsed.get(value);
  if (at === undefined) {
    at = ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(value, at);
  }
  return at;
}

export function isDate(value: unknown): boolean {
  return !Number.isNaN(instantOf(value));
}

/** A condition value that is a number of days from `asOf` (negative: in the past) or a date. */
export function referenceInstant(value: unknown): (ctx: EvalContext) => number {
  if (typeof value === 'number') {
    const offset = value * DAY_MS;
    return (ctx) => ctx.asOfMs + offset;
  }
  const at = instantOf(value);
  return () => at;
}

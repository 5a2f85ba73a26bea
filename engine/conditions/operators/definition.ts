import type { EvalContext } from '../../types.ts';

/**
 * What a condition's `value` must be for an operator. The check stage enforces it, so a
 * compiled comparison never meets a value it cannot handle and never throws.
 */
export type ValueKind = 'any' | 'array' | 'string' | 'regex' | 'dateOrDays' | 'days' | 'boolean';

export type Comparison = (factValue: unknown, ctx: EvalContext) => boolean;

export interface OperatorDefinition {
  kind: 'operator';
  name: string;
  /** json-rules-engine ships it: we implement it identically and the property test proves it. */
  builtin: boolean;
  /** Words for explanations: "`department` is one of …". */
  describe: string;
  value: ValueKind;
  /** json-rules-engine's `factValueValidator`: a fact it rejects makes the condition false. */
  accepts?: (factValue: unknown) => boolean;
  /** Builds the comparison once per condition, with the value already checked. */
  compile(value: unknown): Comparison;
}

export interface DecoratorDefinition {
  kind: 'decorator';
  name: string;
  builtin: boolean;
  describe: string;
  /** The decorator's own fact validator, applied before the decorated operator runs. */
  accepts?: (factValue: unknown) => boolean;
  /** What it requires of `value`, over and above the inner operator. */
  value: 'any' | 'array';
  decorate(next: (factValue: unknown, value: unknown) => boolean): (factValue: unknown, value: unknown) => boolean;
}

export const isArray = Array.isArray;

/** json-rules-engine's numeric fact validator, kept byte-for-byte in meaning. */
export function isNumeric(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

export function isString(factValue: unknown): factValue is string {
  return typeof factValue === 'string';
}

import { z } from 'zod';
import type { Condition, Json } from '../types.ts';

// The json-rules-engine condition format, written once. `checkCondition` walks the same shape
// with precise, per-path diagnostics; this schema gives types and the editor's JSON Schema.

export const jsonValueSchema: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValueSchema), z.record(z.string(), jsonValueSchema)]),
);

const meta = {
  name: z.string().optional().describe('a label shown in explanations'),
  priority: z.number().int().min(1).optional().describe('json-rules-engine evaluation order; does not change results'),
};

export const leafConditionSchema = z.strictObject({
  fact: z.string().min(1).describe('a profile attribute (`department`, `title`, …) or a derived fact (`groups`, `status`)'),
  operator: z.string().min(1).describe('equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, startsWith, endsWith, matches, exists, before, after, withinDays, withinPastDays, withinNextDays; decorators: someFact:, everyFact:, someValue:, everyValue:, swap:, not:'),
  value: jsonValueSchema.describe('a literal, or `{fact, path}` to compare with another fact'),
  path: z.string().optional().describe('JSONPath into the fact, e.g. `$.manager.id`'),
  ...meta,
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema), ...meta }),
    z.strictObject({ any: z.array(conditionSchema), ...meta }),
    z.strictObject({ not: conditionSchema, ...meta }),
    leafConditionSchema,
  ]),
) as z.ZodType<Condition>;

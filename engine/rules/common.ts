// Field schemas shared by several rule kinds.
import { z } from 'zod';

// zod compiles fast parsers by generating code where a runtime allows it. The engine must run
// the same everywhere, Workers included, so it never asks.
z.config({ jitless: true });

export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const idSchema = z
  .string()
  .regex(ID_PATTERN)
  .describe('lowercase letters, digits and single dashes, e.g. `eng-github`');

export const DEPROVISION_MODES = ['suspend', 'deactivate', 'delete', 'keep'] as const;

export const deprovisionSchema = z
  .strictObject({
    onUnassign: z.enum(DEPROVISION_MODES).optional().describe('what happens to the account when no rule assigns it any more'),
    deleteAfterDays: z.number().int().min(0).optional().describe('delete a deactivated or suspended account after this many days'),
  })
  .describe('deprovisioning policy');

export const prioritySchema = z.number().int().optional().describe('higher wins when rules disagree; default 0');

/** Drops `undefined` members so normalised documents hash the same however they were written. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

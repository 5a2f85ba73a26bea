// `kind: settings` — organisation-wide: declared profile attribute types and defaults.
import { z } from 'zod';
import { isValidTimeZone } from '../lifecycle/effective-dates.ts';
import { safetyThresholdSchema } from '../lifecycle/safety.ts';
import type { SettingsRule } from '../types.ts';
import { compact, deprovisionSchema, idSchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';
import { jitSettingsSchema } from './jit-settings.ts';

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'string[]', 'object'] as const;

export const settingsSchema = z
  .strictObject({
    kind: z.literal('settings'),
    id: idSchema.optional(),
    attributes: z.record(z.string().min(1), z.enum(ATTRIBUTE_TYPES)).optional().describe('profile attributes and their types; condition values are checked against them'),
    deprovision: deprovisionSchema.optional().describe('default for apps that do not say'),
    lifecycle: z
      .strictObject({
        stageDaysBeforeStart: z.number().int().min(0).optional().describe('accounts are created this many local days before `startDate`; default 0'),
        timeZone: z
          .string()
          .refine(isValidTimeZone, { message: 'unknown time zone: expected an IANA name such as `Europe/Paris`' })
          .optional()
          .describe('IANA time zone of workers whose profile has no `timeZone`; default UTC'),
      })
      .optional()
      .describe('effective dates: `startDate`, `terminationDate` and `timeZone` on the profile'),
    jit: jitSettingsSchema.optional(),
    safety: z.array(safetyThresholdSchema).optional().describe('thresholds that hold a plan for approval (default: 20% deactivations or deletions of an app of 100 or more)'),
  })
  .describe('organisation-wide settings (one document)');

export const settingsKind: RuleKindDefinition<SettingsRule> = {
  kind: 'settings',
  description: 'organisation-wide settings (one document)',
  schema: settingsSchema,
  singleton: true,
  conditionFields: [],
  normalise: (parsed) => compact({ ...(parsed as z.output<typeof settingsSchema>) }) as SettingsRule,
  conditions: () => [],
  expressions: () => [],
  appReferences: () => [],
};

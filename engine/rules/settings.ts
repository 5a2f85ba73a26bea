// `kind: settings` — organisation-wide: declared profile attribute types and defaults.
import { z } from 'zod';
import type { SettingsRule } from '../types.ts';
import { compact, deprovisionSchema, idSchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date', 'string[]', 'object'] as const;

export const settingsSchema = z
  .strictObject({
    kind: z.literal('settings'),
    id: idSchema.optional(),
    attributes: z.record(z.string().min(1), z.enum(ATTRIBUTE_TYPES)).optional().describe('profile attributes and their types; condition values are checked against them'),
    deprovision: deprovisionSchema.optional().describe('default for apps that do not say'),
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

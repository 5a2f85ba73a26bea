// `kind: override` — an admin's exception for one user and one app, kept in git beside the
// rules: deny beats allow, allow beats the rules, and an expired override stops applying.
import { z } from 'zod';
import { overrideFieldsSchema } from '../lifecycle/overrides.ts';
import type { OverrideRule } from '../types.ts';
import { compact, idSchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

export const overrideRuleSchema = overrideFieldsSchema
  .extend({
    kind: z.literal('override'),
    id: idSchema,
    userId: z.string().min(1).describe('the user the exception is for'),
    appId: z.string().min(1).describe('the id of an `app` rule'),
    effect: z.enum(['allow', 'deny']).describe('`deny` removes the account whatever the rules say; `allow` grants it'),
    reason: z.string().trim().min(1).describe('why: shown in every action it causes and in the audit log'),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('the override stops applying at this instant'),
    role: z.string().min(1).optional().describe('for `allow`: the role to grant'),
  })
  .refine((o) => !(o.effect === 'deny' && o.role !== undefined), { message: 'a `deny` override cannot carry a `role`', path: ['role'] })
  .describe('an exception for one user and one app, with a reason and an optional expiry');

export const overrideKind: RuleKindDefinition<OverrideRule> = {
  kind: 'override',
  description: 'an exception for one user and one app, with a reason and an optional expiry',
  schema: overrideRuleSchema,
  conditionFields: [],
  normalise: (parsed) => compact({ ...(parsed as z.output<typeof overrideRuleSchema>) }) as OverrideRule,
  conditions: () => [],
  expressions: () => [],
  appReferences: (rule) => [{ app: rule.appId, ...(rule.role === undefined ? {} : { role: rule.role }), path: [], field: 'appId' }],
};

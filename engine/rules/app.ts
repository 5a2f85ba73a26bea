// `kind: app` — a target application: how to reach it, its roles, attribute mappings and
// what happens to an account when no rule assigns it any more.
import { z } from 'zod';
import { jsonValueSchema } from '../conditions/schema.ts';
import { safetyThresholdSchema } from '../lifecycle/safety.ts';
import type { AppRule, AttributeMapping } from '../types.ts';
import { compact, deprovisionSchema, idSchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

export const CONNECTORS = ['scim', 'ldap', 'rest', 'manual'] as const;

const mappingSchema = z.union([
  z.string().min(1).describe('a CEL expression over `user` and `app`, e.g. `user.email.lowerAscii()`'),
  z.strictObject({
    expr: z.string().min(1).describe('a CEL expression over `user` and `app`'),
    createOnly: z.boolean().optional().describe('set when the account is created, never updated afterwards'),
  }),
]);

export const appSchema = z
  .strictObject({
    kind: z.literal('app'),
    id: idSchema,
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    connector: z.enum(CONNECTORS).describe('how Roster reaches the app; `manual` sends tasks to `owners`'),
    roles: z.array(z.string().min(1)).optional().describe('the roles assignments may give; any role when absent'),
    attributes: z.record(z.string().min(1), mappingSchema).optional().describe('account attributes computed from the user profile'),
    deprovision: deprovisionSchema.optional(),
    owners: z.array(z.email()).min(1).optional().describe('who receives tasks for a manual app'),
    config: z.record(z.string(), jsonValueSchema).optional().describe('connector settings'),
    passwordSync: z.boolean().optional().describe('push password changes to this app (`password.set`)'),
    importGroups: z
      .array(
        z.strictObject({
          appGroup: z.string().min(1).describe('the app\'s group: its external id or its name'),
          group: idSchema.describe('the Roster group it becomes; its members are whoever the app says'),
        }),
      )
      .min(1)
      .optional()
      .describe('group sync: groups read from the app, the app being their source of truth'),
    safety: z.array(safetyThresholdSchema).optional().describe('thresholds that hold a plan for approval; replaces the settings\' list for this app'),
  })
  .superRefine((app, ctx) => {
    if (app.connector === 'manual' && app.owners === undefined) {
      ctx.addIssue({ code: 'custom', path: ['owners'], message: 'a `manual` app needs `owners` to send tasks to', params: { code: 'rule.missing-field' } });
    }
    if (app.connector === 'manual' && app.passwordSync === true) {
      ctx.addIssue({ code: 'custom', path: ['passwordSync'], message: 'a `manual` app cannot sync passwords: nobody may be sent one', params: { code: 'rule.invalid-value' } });
    }
  })
  .describe('an application accounts are provisioned in');

type AppInput = z.output<typeof appSchema>;

export const appKind: RuleKindDefinition<AppRule> = {
  kind: 'app',
  description: 'an application accounts are provisioned in',
  schema: appSchema,
  conditionFields: [],
  normalise(parsed) {
    const app = parsed as AppInput;
    const attributes = app.attributes === undefined ? undefined : Object.fromEntries(Object.entries(app.attributes).map(([name, mapping]) => [name, toMapping(mapping)]));
    return compact({ ...app, attributes }) as AppRule;
  },
  conditions: () => [],
  expressions: (app) => Object.entries(app.attributes ?? {}).map(([name, mapping]) => ({ path: ['attributes', name], source: mapping.expr })),
  appReferences: () => [],
};

function toMapping(mapping: string | { expr: string; createOnly?: boolean | undefined }): AttributeMapping {
  return typeof mapping === 'string' ? { expr: mapping, createOnly: false } : { expr: mapping.expr, createOnly: mapping.createOnly ?? false };
}

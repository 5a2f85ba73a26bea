// `kind: group` — membership by condition. Other rules read it as the derived fact `groups`.
import { z } from 'zod';
import { conditionSchema } from '../conditions/schema.ts';
import type { GroupRule } from '../types.ts';
import { compact, idSchema, prioritySchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

export const groupSchema = z
  .strictObject({
    kind: z.literal('group'),
    id: idSchema,
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    priority: prioritySchema,
    when: conditionSchema.describe('json-rules-engine condition; `{fact: groups, operator: contains, value: <group id>}` reads another group'),
    push: z
      .array(
        z.strictObject({
          app: z.string().min(1).describe('the id of an `app` rule'),
          name: z.string().min(1).optional().describe('the group\'s name in the app (default: `name`, else the id)'),
        }),
      )
      .min(1)
      .optional()
      .describe('apps the group and its memberships are pushed to'),
  })
  .describe('a group whose members are the users matching `when`');

type GroupInput = z.output<typeof groupSchema>;

export const groupKind: RuleKindDefinition<GroupRule> = {
  kind: 'group',
  description: 'a group whose members are the users matching `when`',
  schema: groupSchema,
  conditionFields: [['when']],
  normalise(parsed) {
    const rule = parsed as GroupInput;
    return compact({ ...rule, priority: rule.priority ?? 0, push: rule.push?.map((target) => compact({ ...target })) }) as GroupRule;
  },
  conditions: (rule) => [{ path: ['when'], condition: rule.when }],
  expressions: () => [],
  appReferences: (rule) => (rule.push ?? []).map((target, i) => ({ app: target.app, path: ['push', i] })),
};

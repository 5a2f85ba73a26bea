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
    return compact({ ...rule, priority: rule.priority ?? 0 }) as GroupRule;
  },
  conditions: (rule) => [{ path: ['when'], condition: rule.when }],
  expressions: () => [],
  appReferences: () => [],
};

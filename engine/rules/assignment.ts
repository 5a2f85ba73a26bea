// `kind: assignment` — users matching `when` get an account in each app of `assign`.
import { z } from 'zod';
import { conditionSchema } from '../conditions/schema.ts';
import type { AssignmentRule } from '../types.ts';
import { compact, idSchema, prioritySchema } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

const targetSchema = z.strictObject({
  app: z.string().min(1).describe('the id of an `app` rule'),
  role: z.string().min(1).optional().describe('one of the app\'s `roles`'),
  attributes: z.record(z.string().min(1), z.string().min(1)).optional().describe('CEL expressions overriding the app\'s mapping of the same name'),
});

export const assignmentSchema = z
  .strictObject({
    kind: z.literal('assignment'),
    id: idSchema,
    description: z.string().optional(),
    priority: prioritySchema,
    when: conditionSchema.describe('json-rules-engine condition over the user profile'),
    assign: z.array(targetSchema).min(1),
  })
  .describe('gives matching users accounts in apps');

type AssignmentInput = z.output<typeof assignmentSchema>;

export const assignmentKind: RuleKindDefinition<AssignmentRule> = {
  kind: 'assignment',
  description: 'gives matching users accounts in apps',
  schema: assignmentSchema,
  conditionFields: [['when']],
  normalise(parsed) {
    const rule = parsed as AssignmentInput;
    return compact({ ...rule, priority: rule.priority ?? 0, assign: rule.assign.map((target) => compact({ ...target })) }) as AssignmentRule;
  },
  conditions: (rule) => [{ path: ['when'], condition: rule.when }],
  expressions: (rule) =>
    rule.assign.flatMap((target, i) => Object.entries(target.attributes ?? {}).map(([name, source]) => ({ path: ['assign', i, 'attributes', name], source }))),
  appReferences: (rule) => rule.assign.map((target, i) => ({ app: target.app, ...(target.role === undefined ? {} : { role: target.role }), path: ['assign', i] })),
};

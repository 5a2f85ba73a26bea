// `kind: password-policy` — a password policy chosen per user by `when` and/or `groups`, by
// priority. The schema and the validator live in engine/lifecycle (one validator, one schema).
import type { z } from 'zod';
import { passwordPolicySchema } from '../lifecycle/password-policy.ts';
import type { PasswordPolicyRule } from '../types.ts';
import { compact } from './common.ts';
import type { RuleKindDefinition } from './definition.ts';

type PolicyInput = z.output<typeof passwordPolicySchema>;

export const passwordPolicyKind: RuleKindDefinition<PasswordPolicyRule> = {
  kind: 'password-policy',
  description: 'a password policy for the users matching `when` or in one of `groups`',
  schema: passwordPolicySchema.describe('a password policy for the users matching `when` or in one of `groups`'),
  conditionFields: [['when']],
  normalise(parsed) {
    const rule = parsed as PolicyInput;
    return compact({ ...rule, priority: rule.priority ?? 0 }) as PasswordPolicyRule;
  },
  conditions: (rule) => (rule.when === undefined ? [] : [{ path: ['when'], condition: rule.when }]),
  expressions: () => [],
  appReferences: () => [],
  groupReferences: (rule) => (rule.groups ?? []).map((group, i) => ({ group, path: ['groups', i] })),
};

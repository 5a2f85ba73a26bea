// The rule-test format (`*.test.yaml`): given users, observed state, overrides, a password
// change and an `asOf`, what the plan must (and must not) hold.
import { z } from 'zod';
import { overridesSchema } from './lifecycle/overrides.ts';
import { ACTION_TYPES } from './types.ts';

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

const expectedActionSchema = z.looseObject({ type: z.enum(ACTION_TYPES).optional() });

const observedSchema = z.strictObject({
  accounts: z.array(z.looseObject({ userId: z.string(), appId: z.string(), status: z.enum(['active', 'suspended', 'deactivated']) })).default([]),
  memberships: z.array(z.strictObject({ userId: z.string(), groupId: z.string() })).default([]),
  /** Groups as the apps hold them: pushed groups, and the source of imported ones. */
  appGroups: z
    .array(
      z.strictObject({
        appId: z.string(),
        groupId: z.string().optional(),
        externalId: z.string().optional(),
        name: z.string(),
        description: z.string().optional(),
        members: z.array(z.string()).default([]),
      }),
    )
    .optional(),
  /** How each app's read went: `empty` or `failed` reads refuse removals. */
  health: z.record(z.string(), z.enum(['ok', 'empty', 'failed'])).optional(),
});

export const ruleTestSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  asOf: isoInstant.optional(),
  users: z.array(z.looseObject({ id: z.string().min(1) })),
  observed: observedSchema.optional(),
  /** Overrides on top of the rule files' `kind: override` documents (as an admin adds them). */
  overrides: overridesSchema.optional(),
  /** A password change to plan: `password.set` actions join the actual actions. */
  passwordChange: z.strictObject({ userId: z.string().min(1), sealed: z.string().min(1), changedAt: z.iso.datetime({ offset: true }) }).optional(),
  expect: z.strictObject({
    /** Each must match a distinct actual action (as a subset of its fields). */
    actions: z.array(expectedActionSchema).default([]),
    /** None of these may match any actual action. */
    absent: z.array(expectedActionSchema).default([]),
    /** When true, every actual action must be expected. */
    exhaustive: z.boolean().default(false),
    /** Whether the safety gates hold the plan for approval. */
    held: z.boolean().optional(),
    /** Each must match one of the plan's holds (as a subset: `{appId, count, actionTypes}`). */
    holds: z.array(z.looseObject({})).optional(),
    /** Each must match an action the plan refused (as a subset of the action's fields). */
    refused: z.array(expectedActionSchema).optional(),
    /** The password policy each user gets: user id → policy id, or `null` for none. */
    passwordPolicy: z.record(z.string(), z.string().nullable()).optional(),
  }),
});

export type RuleTest = z.infer<typeof ruleTestSchema>;

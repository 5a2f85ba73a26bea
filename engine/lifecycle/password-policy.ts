// Password policy documents (`kind: password-policy`): the schema, which policy applies to a
// user, and the age rules (minimum age between changes, maximum age before expiry).
import { z } from 'zod';
import { conditionSchema } from '../conditions/schema.ts';
import { idSchema, prioritySchema } from '../rules/common.ts';
import type { EvalContext } from '../types.ts';

export type { PasswordPolicyRule } from '../types.ts';

export const USER_PART_SOURCES = ['login', 'email', 'firstName', 'lastName'] as const;
/** Profile attributes whose parts a password must not contain. */
export type UserPartSource = (typeof USER_PART_SOURCES)[number];

const positiveInt = z.number().int().min(1);

export const passwordRequirementsSchema = z.strictObject({
  lowercase: z.boolean().optional(),
  uppercase: z.boolean().optional(),
  digit: z.boolean().optional(),
  symbol: z.boolean().optional(),
});

/** The policy's own fields, shared by the rule document and `validatePassword`. */
export const passwordPolicyFieldsSchema = z.strictObject({
  minLength: positiveInt.optional(),
  maxLength: positiveInt.optional(),
  /** Character classes that must each appear. */
  require: passwordRequirementsSchema.optional(),
  /** At least this many of the four classes (lowercase, uppercase, digit, symbol) must appear. */
  minClasses: z.number().int().min(1).max(4).optional(),
  /** `true` checks every source; a list checks only those named. */
  excludeUsernameParts: z.union([z.boolean(), z.array(z.enum(USER_PART_SOURCES)).min(1)]).optional(),
  /** The candidate must differ from the user's last N passwords (current one included). */
  historyCount: z.number().int().min(0).max(100).optional(),
  /** Minutes that must pass after a change before the next one. */
  minAgeMinutes: z.number().int().min(0).optional(),
  /** Days after which a password expires. */
  maxAgeDays: positiveInt.optional(),
  /** Refuse passwords on the common-password list. */
  commonPasswordCheck: z.boolean().optional(),
});

export const passwordPolicySchema = passwordPolicyFieldsSchema
  .extend({
    kind: z.literal('password-policy'),
    id: idSchema,
    description: z.string().optional(),
    priority: prioritySchema,
    when: conditionSchema.optional().describe('json-rules-engine condition over the user profile; the policy applies to users matching it'),
    /** Group ids: the policy applies to members of any of them. */
    groups: z.array(idSchema).min(1).optional().describe('group ids: the policy applies to members of any of them'),
  })
  .superRefine((doc, ctx) => {
    if (doc.minLength !== undefined && doc.maxLength !== undefined && doc.minLength > doc.maxLength) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxLength'],
        message: `maxLength \`${doc.maxLength}\` is below minLength \`${doc.minLength}\``,
      });
    }
  });

export type PasswordRequirements = z.infer<typeof passwordRequirementsSchema>;
export type PasswordPolicy = z.infer<typeof passwordPolicyFieldsSchema>;

/** A problem with a candidate password, phrased to follow the word "password". */
export interface PasswordViolation {
  /** Stable, e.g. `password.too-short`. */
  code: string;
  message: string;
  /** For `password.contains-user-part`: which profile attribute was found. */
  part?: UserPartSource;
}

/** Higher priority first, then id: the order in which policies are tried. */
export function sortPasswordPolicies<P extends { id: string; priority?: number }>(policies: readonly P[]): P[] {
  return [...policies].sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The first policy (by priority, then id) that `matches` the user, or undefined. */
export function selectPasswordPolicy<P extends { id: string; priority?: number }>(
  policies: readonly P[],
  matches: (policy: P) => boolean,
): P | undefined {
  return sortPasswordPolicies(policies).find(matches);
}

/** Whether the policy's `groups` admit a user in `userGroups` (no `groups` admits everyone). */
export function policyAppliesToGroups(policy: { groups?: string[] }, userGroups: readonly string[]): boolean {
  if (!policy.groups || policy.groups.length === 0) return true;
  return policy.groups.some((g) => userGroups.includes(g));
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function parseInstant(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function waitPhrase(ms: number): string {
  const minutes = Math.ceil(ms / MINUTE_MS);
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}

export type PasswordChangeDecision =
  | { allowed: true }
  | { allowed: false; allowedAt: string; violation: PasswordViolation };

/**
 * Whether the minimum age lets the password change at `ctx.asOf`. An unknown or unreadable
 * `lastChangedAt` never blocks a change.
 */
export function passwordChangeAllowed(policy: PasswordPolicy, lastChangedAt: string | undefined, ctx: EvalContext): PasswordChangeDecision {
  const last = parseInstant(lastChangedAt);
  if (!policy.minAgeMinutes || last === undefined) return { allowed: true };
  const allowedAtMs = last + policy.minAgeMinutes * MINUTE_MS;
  if (ctx.asOfMs >= allowedAtMs) return { allowed: true };
  const allowedAt = new Date(allowedAtMs).toISOString();
  return {
    allowed: false,
    allowedAt,
    violation: {
      code: 'password.too-soon',
      message: `was changed too recently: it can be changed again in ${waitPhrase(allowedAtMs - ctx.asOfMs)}`,
    },
  };
}

export interface PasswordExpiry {
  expired: boolean;
  /** When it expires (or expired); absent when the policy has no maximum age or the last change is unknown. */
  expiresAt?: string;
}

/** Whether the maximum age has passed at `ctx.asOf`. Expiry happens at exactly `maxAgeDays` after the change. */
export function passwordExpired(policy: PasswordPolicy, lastChangedAt: string | undefined, ctx: EvalContext): PasswordExpiry {
  const last = parseInstant(lastChangedAt);
  if (!policy.maxAgeDays || last === undefined) return { expired: false };
  const expiresAtMs = last + policy.maxAgeDays * DAY_MS;
  return { expired: ctx.asOfMs >= expiresAtMs, expiresAt: new Date(expiresAtMs).toISOString() };
}

// Overrides: an admin's exception for one user and one app, with a reason and an expiry.
// Precedence is deny > allow > rules; an override whose expiry has passed at `asOf` is gone.
import { z } from 'zod';
import type { EvalContext, Override } from '../types.ts';

export const overrideFieldsSchema = z.strictObject({
    id: z.string().min(1),
    userId: z.string().min(1),
    appId: z.string().min(1),
    effect: z.enum(['allow', 'deny']),
    /** Why: shown in the trace and the audit log. */
    reason: z.string().trim().min(1),
    /** The override stops applying at this instant. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    /** For `allow`: the role to grant (otherwise the rule's role, or none). */
    role: z.string().min(1).optional(),
  });

export const overrideSchema = overrideFieldsSchema.refine((o) => !(o.effect === 'deny' && o.role !== undefined), { message: 'a `deny` override cannot carry a `role`', path: ['role'] });

export const overridesSchema = z.array(overrideSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((o, i) => {
    if (seen.has(o.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate override id \`${o.id}\`` });
    seen.add(o.id);
  });
});

export type { Override } from '../types.ts';
export type OverrideEffect = Override['effect'];

export interface OverrideResolution {
  effect: OverrideEffect | 'none';
  /** The override that decided, when one did. */
  override?: Override;
}

/** Overrides grouped by user and app, for plans over many users. */
export type OverrideIndex = ReadonlyMap<string, readonly Override[]>;

const keyOf = (userId: string, appId: string): string => `${userId}\u0000${appId}`;

export function indexOverrides(overrides: readonly Override[]): OverrideIndex {
  const index = new Map<string, Override[]>();
  for (const o of overrides) {
    const key = keyOf(o.userId, o.appId);
    const list = index.get(key);
    if (list) list.push(o);
    else index.set(key, [o]);
  }
  return index;
}

/** Whether the override still applies at `ctx.asOf`. An unreadable expiry counts as passed. */
export function overrideActive(override: Override, ctx: EvalContext): boolean {
  if (override.expiresAt === undefined) return true;
  const expires = Date.parse(override.expiresAt);
  return !Number.isNaN(expires) && expires > ctx.asOfMs;
}

/** Overrides whose expiry has passed at `ctx.asOf`: for clean-up and reports. */
export function expiredOverrides(overrides: readonly Override[], ctx: EvalContext): Override[] {
  return overrides.filter((o) => !overrideActive(o, ctx));
}

const byId = (a: Override, b: Override): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The override that decides for this user and app at `ctx.asOf`: any active deny first, then any active allow. */
export function resolveOverride(
  overrides: readonly Override[] | OverrideIndex,
  userId: string,
  appId: string,
  ctx: EvalContext,
): OverrideResolution {
  const candidates = Array.isArray(overrides)
    ? (overrides as readonly Override[]).filter((o) => o.userId === userId && o.appId === appId)
    : ((overrides as OverrideIndex).get(keyOf(userId, appId)) ?? []);
  const active = candidates.filter((o) => overrideActive(o, ctx)).sort(byId);
  const deny = active.find((o) => o.effect === 'deny');
  if (deny) return { effect: 'deny', override: deny };
  const allow = active.find((o) => o.effect === 'allow');
  if (allow) return { effect: 'allow', override: allow };
  return { effect: 'none' };
}

export interface AssignmentDecision {
  assigned: boolean;
  /** What decided: the rules, or an override. */
  decidedBy: 'rules' | 'override';
  role?: string;
  override?: Override;
}

/**
 * Combine what the rules want with the override resolution: a deny removes the app whatever
 * the rules say, an allow grants it (with its role, if any, else the rule's), none leaves the
 * rules' decision alone.
 */
export function applyOverride(rules: { assigned: boolean; role?: string }, resolution: OverrideResolution): AssignmentDecision {
  if (resolution.effect === 'deny' && resolution.override) {
    return { assigned: false, decidedBy: 'override', override: resolution.override };
  }
  if (resolution.effect === 'allow' && resolution.override) {
    const role = resolution.override.role ?? (rules.assigned ? rules.role : undefined);
    return { assigned: true, decidedBy: 'override', override: resolution.override, ...(role === undefined ? {} : { role }) };
  }
  return { assigned: rules.assigned, decidedBy: 'rules', ...(rules.role === undefined || !rules.assigned ? {} : { role: rules.role }) };
}

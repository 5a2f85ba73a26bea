// Safety gates on a plan: a run that would remove too much of an app is held for approval,
// and an app whose observed state came back empty or failed never loses accounts: an empty
// read means "we do not know", never "delete everyone".
import { z } from 'zod';
import { ACTION_TYPES } from '../types.ts';
import type { Action, ActionType, ObservedHealth } from '../types.ts';

export type { ObservedHealth } from '../types.ts';

/** Actions refused for an app whose observed state is empty or failed. */
export const DESTRUCTIVE_ACTION_TYPES: readonly ActionType[] = ['account.suspend', 'account.deactivate', 'account.delete', 'membership.remove'];

export const safetyThresholdSchema = z
  .strictObject({
    /** Action types counted together against the limit. */
    actions: z.array(z.enum(ACTION_TYPES)).min(1),
    /** Hold when more than this many such actions target one app. */
    max: z.number().int().min(0).optional(),
    /** Hold when such actions exceed this percent of the app's accounts. */
    maxPercent: z.number().min(0).max(100).optional(),
    /** The percent limit applies only to apps with at least this many accounts. */
    minPopulation: z.number().int().min(0).optional(),
  })
  .refine((t) => t.max !== undefined || t.maxPercent !== undefined, { message: 'a threshold needs `max` or `maxPercent`' });

export const safetyThresholdsSchema = z.strictObject({
  /** Thresholds for every app without its own list. */
  default: z.array(safetyThresholdSchema),
  /** Per app: replaces the default list for that app (an empty list turns the gate off). */
  apps: z.record(z.string(), z.array(safetyThresholdSchema)).optional(),
});

export type SafetyThreshold = z.infer<typeof safetyThresholdSchema>;
export type SafetyThresholds = z.infer<typeof safetyThresholdsSchema>;

export const DEFAULT_MIN_POPULATION = 100;

/** Hold when a plan would deactivate or delete more than 20% of an app's accounts (apps of 100 or more). */
export const DEFAULT_SAFETY_THRESHOLDS: SafetyThresholds = {
  default: [{ actions: ['account.deactivate', 'account.delete'], maxPercent: 20, minPopulation: DEFAULT_MIN_POPULATION }],
};

/** One threshold one app went over. */
export interface SafetyHold {
  appId: string;
  actions: ActionType[];
  count: number;
  population: number;
  limit: { max: number } | { maxPercent: number };
  reason: string;
}

export interface SafetyResult {
  /** The plan needs approval before any of `allowed` is carried out. */
  held: boolean;
  /** One line per hold and per refusal. */
  reasons: string[];
  holds: SafetyHold[];
  /** Never carried out, whatever the approval. */
  refused: Action[];
  allowed: Action[];
}

const PAST: Record<ActionType, string> = {
  'account.create': 'created',
  'account.update': 'updated',
  'account.suspend': 'suspended',
  'account.deactivate': 'deactivated',
  'account.reactivate': 'reactivated',
  'account.delete': 'deleted',
  'membership.add': 'added to a group',
  'membership.remove': 'removed from a group',
  'group.create': 'created',
  'group.update': 'updated',
  'password.set': 'given a password',
  'task.manual': 'sent as manual tasks',
};

function describe(types: readonly ActionType[], count: number): string {
  const noun = types.every((t) => t.startsWith('account.')) ? (count === 1 ? 'account' : 'accounts') : count === 1 ? 'action' : 'actions';
  const verbs = [...new Set(types.map((t) => PAST[t]))];
  const joined = verbs.length > 1 ? `${verbs.slice(0, -1).join(', ')} or ${verbs[verbs.length - 1]}` : (verbs[0] ?? '');
  return `${count} ${noun} would be ${joined}`;
}

const REMOVAL_NOUN: Partial<Record<ActionType, string>> = {
  'account.suspend': 'suspension',
  'account.deactivate': 'deactivation',
  'account.delete': 'deletion',
  'membership.remove': 'membership removal',
};

const percent = (n: number): string => `${Math.round(n * 10) / 10}%`;

function checkThreshold(appId: string, threshold: SafetyThreshold, actions: readonly Action[], population: number): SafetyHold[] {
  const count = actions.filter((a) => threshold.actions.includes(a.type)).length;
  if (count === 0) return [];
  const holds: SafetyHold[] = [];
  const what = describe(threshold.actions, count);
  if (threshold.max !== undefined && count > threshold.max) {
    holds.push({
      appId,
      actions: threshold.actions,
      count,
      population,
      limit: { max: threshold.max },
      reason: `\`${appId}\`: ${what}, above the limit of ${threshold.max}`,
    });
  }
  const minPopulation = threshold.minPopulation ?? DEFAULT_MIN_POPULATION;
  if (threshold.maxPercent !== undefined && population > 0 && population >= minPopulation) {
    const share = (count / population) * 100;
    if (share > threshold.maxPercent) {
      holds.push({
        appId,
        actions: threshold.actions,
        count,
        population,
        limit: { maxPercent: threshold.maxPercent },
        reason: `\`${appId}\`: ${what}, ${percent(share)} of ${population}, above the limit of ${percent(threshold.maxPercent)}`,
      });
    }
  }
  return holds;
}

function pushTo(map: Map<string, Action[]>, key: string, action: Action): void {
  const list = map.get(key);
  if (list) list.push(action);
  else map.set(key, [action]);
}

/**
 * Check a plan's actions against the thresholds and the health of each app's observed state.
 * Refused actions are not counted against thresholds: they will not run.
 */
export function checkSafety(
  actions: readonly Action[],
  population: Readonly<Record<string, number>>,
  thresholds: SafetyThresholds,
  observedHealth: Readonly<Record<string, ObservedHealth>>,
): SafetyResult {
  const allowed: Action[] = [];
  const refused: Action[] = [];
  const refusedByApp = new Map<string, Action[]>();
  for (const action of actions) {
    const health = action.appId === undefined ? 'ok' : (observedHealth[action.appId] ?? 'ok');
    if (health !== 'ok' && action.appId !== undefined && DESTRUCTIVE_ACTION_TYPES.includes(action.type)) {
      refused.push(action);
      pushTo(refusedByApp, action.appId, action);
    } else {
      allowed.push(action);
    }
  }

  const reasons: string[] = [];
  for (const [appId, list] of [...refusedByApp].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const counts = DESTRUCTIVE_ACTION_TYPES.map((t) => [t, list.filter((a) => a.type === t).length] as const).filter(([, n]) => n > 0);
    const what = counts.map(([t, n]) => `${n} ${REMOVAL_NOUN[t] ?? t}${n === 1 ? '' : 's'}`).join(', ');
    reasons.push(`\`${appId}\`: observed state is ${observedHealth[appId]}, never a reason to remove: refused ${what}`);
  }

  const byApp = new Map<string, Action[]>();
  for (const action of allowed) {
    if (action.appId !== undefined) pushTo(byApp, action.appId, action);
  }
  const holds: SafetyHold[] = [];
  for (const appId of [...byApp.keys()].sort()) {
    const list = thresholds.apps?.[appId] ?? thresholds.default;
    for (const threshold of list) holds.push(...checkThreshold(appId, threshold, byApp.get(appId) ?? [], population[appId] ?? 0));
  }
  reasons.push(...holds.map((h) => h.reason));
  return { held: holds.length > 0, reasons, holds, refused, allowed };
}

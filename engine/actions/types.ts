import type { Action, ActionType, Reason } from '../types.ts';
import type { ActionPayload } from '../ids.ts';

/** An action before it gets its id: what to do and why. */
export type ActionDraft = ActionPayload & { reason: Reason };

/** One action kind: where it sorts, how a person reads it. */
export interface ActionDefinition {
  type: ActionType;
  /** Among one subject's actions, the order a dispatcher can apply them in. */
  order: number;
  /** True when, on an app with no API, an admin must do it by hand (a `task.manual`). */
  manual: boolean;
  /** For kinds that stand for another (a manual task for an account change): sort as that one. */
  sortsAs?(action: ActionPayload): ActionType | undefined;
  /** What to do, in words, e.g. "create an account in `github` for `u1` as `developer`". */
  describe(action: ActionPayload, names?: { app?: string }): string;
}

/** Names an account in words: "`github` account of `u1`". */
export function accountWords(action: Pick<Action, 'appId' | 'userId'>, names?: { app?: string }): string {
  return `\`${names?.app ?? action.appId}\` account of \`${action.userId}\``;
}

/** Renders attribute values for people: "`email` = `a@b.c`, `teams` = `["x"]`". */
export function valueWords(values: Record<string, unknown> | undefined): string {
  if (!values) return '';
  return Object.keys(values)
    .sort()
    .map((key) => `\`${key}\` = \`${shownValue(values[key])}\``)
    .join(', ');
}

/** A value as a person reads it: strings bare, anything else as JSON. */
export function shownValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
}

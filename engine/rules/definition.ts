// What every rule kind provides. Shared compiler stages ask the definition; they never
// branch on a kind's name.
import type { z } from 'zod';
import type { DocPath } from '../parse.ts';
import type { AppRule, AssignmentRule, Condition, GroupRule, OverrideRule, PasswordPolicyRule, SettingsRule } from '../types.ts';

export type RuleDocument = AppRule | AssignmentRule | GroupRule | SettingsRule | PasswordPolicyRule | OverrideRule;

export interface ExpressionSite {
  /** Where the expression text is in the document, for diagnostics. */
  path: DocPath;
  source: string;
}

export interface AppReference {
  app: string;
  role?: string;
  /** Path of the reference (`['assign', 0]`), for diagnostics. */
  path: DocPath;
  /** The field under `path` naming the app (default `app`). */
  field?: string;
}

export interface GroupReference {
  group: string;
  /** Where the group id is written, for diagnostics. */
  path: DocPath;
}

export interface RuleKindDefinition<T extends RuleDocument = RuleDocument> {
  kind: T['kind'];
  description: string;
  /** Strict: unknown keys are rejected. Also the source of rules/schema.json. */
  schema: z.ZodType;
  /** At most one document of this kind in a rule set. */
  singleton?: boolean;
  /**
   * Fields holding conditions. engine/conditions checks them with precise diagnostics, so
   * schema issues inside them are left to it.
   */
  conditionFields: DocPath[];
  /** The schema's output with defaults filled in and shorthands expanded: what is hashed. */
  normalise(parsed: unknown): T;
  conditions(rule: T): { path: DocPath; condition: Condition }[];
  expressions(rule: T): ExpressionSite[];
  appReferences(rule: T): AppReference[];
  /** Group ids the document names outside conditions; each must be defined or imported. */
  groupReferences?(rule: T): GroupReference[];
}

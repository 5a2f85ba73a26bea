// The engine's contracts: plain, JSON-serialisable data shared by the compiler, evaluator,
// planner, CLI, edge and UI. Behaviour lives elsewhere; this file only names shapes.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a problem is, and what it is. Messages are lowercase, one line, values in backticks. */
export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  /** Path inside the document, e.g. `['when', 'all', 0, 'operator']`. */
  path?: (string | number)[];
  ruleId?: string;
}

export type Result<T> = { ok: true; value: T; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** A rule file as read from disk (or the browser, or an upload). */
export interface SourceFile {
  path: string;
  text: string;
}

export const USER_STATUSES = ['STAGED', 'PROVISIONED', 'ACTIVE', 'SUSPENDED', 'DEPROVISIONED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** A corporate identity: `id` plus profile attributes by name. `status` defaults to ACTIVE. */
export interface User {
  id: string;
  status?: UserStatus;
  [attribute: string]: unknown;
}

/** Per-evaluation inputs: the engine never reads a clock. */
export interface EvalContext {
  /** ISO-8601 instant the evaluation is "as of". */
  asOf: string;
  /** Milliseconds since the epoch for `asOf`, derived once. */
  asOfMs: number;
}

// ---- conditions -------------------------------------------------------------------------

export interface FactRef {
  fact: string;
  path?: string;
}

export interface LeafCondition {
  fact: string;
  operator: string;
  value: Json | FactRef;
  path?: string;
  name?: string;
  priority?: number;
}

export type Condition =
  | { all: Condition[]; name?: string; priority?: number }
  | { any: Condition[]; name?: string; priority?: number }
  | { not: Condition; name?: string; priority?: number }
  | LeafCondition;

/** One leaf as it was decided for one user: what was seen, what it was compared with. */
export interface LeafTrace {
  type: 'leaf';
  fact: string;
  path?: string;
  operator: string;
  value: Json | FactRef;
  /** The fact value the operator saw (after `path`). */
  seen: unknown;
  result: boolean;
  error?: string;
}

export interface BranchTrace {
  type: 'all' | 'any' | 'not';
  result: boolean;
  children: ConditionTrace[];
}

export type ConditionTrace = LeafTrace | BranchTrace;

/** A condition compiled to closures: `test` for speed, `trace` for explanations. */
export interface CompiledCondition {
  test(user: User, ctx: EvalContext): boolean;
  trace(user: User, ctx: EvalContext): ConditionTrace;
  /** Facts the condition reads, for indices and dependency graphs. */
  facts: string[];
}

// ---- rule documents ---------------------------------------------------------------------

export type DeprovisionMode = 'suspend' | 'deactivate' | 'delete' | 'keep';

export interface AttributeMapping {
  /** CEL expression over `user` (the profile) and `app`; e.g. `user.email.lowerAscii()`. */
  expr: string;
  /** Set on create only, never updated afterwards. */
  createOnly?: boolean;
}

export interface AppRule {
  kind: 'app';
  id: string;
  name?: string;
  description?: string;
  connector: 'scim' | 'ldap' | 'rest' | 'manual';
  roles?: string[];
  attributes?: Record<string, AttributeMapping>;
  deprovision?: { onUnassign?: DeprovisionMode; deleteAfterDays?: number };
  /** For manual apps: who gets the task. */
  owners?: string[];
  [extra: string]: unknown;
}

export interface AssignmentTarget {
  app: string;
  role?: string;
  /** Per-assignment attribute expressions, overriding the app's mapping of the same name. */
  attributes?: Record<string, string>;
}

export interface AssignmentRule {
  kind: 'assignment';
  id: string;
  description?: string;
  priority?: number;
  when: Condition;
  assign: AssignmentTarget[];
}

export interface GroupRule {
  kind: 'group';
  id: string;
  name?: string;
  description?: string;
  priority?: number;
  when: Condition;
}

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'string[]' | 'object';

export interface SettingsRule {
  kind: 'settings';
  id?: string;
  /** Declared profile attributes and their types: checked against condition values. */
  attributes?: Record<string, AttributeType>;
  /** Default deprovisioning for apps that do not say. */
  deprovision?: { onUnassign?: DeprovisionMode; deleteAfterDays?: number };
  [extra: string]: unknown;
}

/** A document that parsed and validated, with where it came from. */
export interface Located<T> {
  rule: T;
  file: string;
  line: number;
}

// ---- compiled rule set ------------------------------------------------------------------

export interface CompiledMapping {
  name: string;
  expr: string;
  createOnly: boolean;
  evaluate(user: User, app: AppRule, ctx: EvalContext): { ok: true; value: Json } | { ok: false; error: string };
}

export interface CompiledAssignment {
  id: string;
  file: string;
  line: number;
  priority: number;
  condition: CompiledCondition;
  source: AssignmentRule;
  targets: { app: string; role?: string; mappings: CompiledMapping[] }[];
}

export interface CompiledGroup {
  id: string;
  file: string;
  line: number;
  priority: number;
  condition: CompiledCondition;
  source: GroupRule;
  /** Groups this group's condition reads (`isMemberOf`), always earlier in `groups`. */
  dependsOn: string[];
}

export interface CompiledApp {
  id: string;
  file: string;
  line: number;
  source: AppRule;
  mappings: CompiledMapping[];
  onUnassign: DeprovisionMode;
  deleteAfterDays?: number;
}

export interface RuleSet {
  /** sha256 over the normalised rule documents: the rule-set version. */
  version: string;
  apps: Record<string, CompiledApp>;
  /** In evaluation order: higher priority first, then id. */
  assignments: CompiledAssignment[];
  /** Topologically ordered: a group comes after every group its condition reads. */
  groups: CompiledGroup[];
  settings: SettingsRule;
}

// ---- desired state, observed state, actions ----------------------------------------------

export interface MatchedRule {
  ruleId: string;
  kind: 'assignment' | 'group';
  priority: number;
  trace: ConditionTrace;
}

export interface DesiredAccount {
  appId: string;
  role?: string;
  attributes: Record<string, Json>;
  createOnly: string[];
  /** The winning rule first, then the others that also assign this app. */
  because: MatchedRule[];
}

export interface DesiredMembership {
  groupId: string;
  because: MatchedRule;
}

export interface DesiredUser {
  userId: string;
  status: UserStatus;
  accounts: DesiredAccount[];
  groups: DesiredMembership[];
  diagnostics: Diagnostic[];
}

export type ObservedAccountStatus = 'active' | 'suspended' | 'deactivated';

export interface ObservedAccount {
  userId: string;
  appId: string;
  status: ObservedAccountStatus;
  role?: string;
  attributes?: Record<string, Json>;
  /** When the account was deactivated, for `deleteAfterDays`. */
  deactivatedAt?: string;
}

export interface ObservedState {
  accounts: ObservedAccount[];
  memberships: { userId: string; groupId: string }[];
}

export const ACTION_TYPES = [
  'account.create',
  'account.update',
  'account.suspend',
  'account.deactivate',
  'account.reactivate',
  'account.delete',
  'membership.add',
  'membership.remove',
  'group.create',
  'group.update',
  'password.set',
  'task.manual',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export interface Reason {
  /** One line a person can read: why this action. */
  summary: string;
  /** Rule ids that caused it (empty when the cause is the absence of a rule). */
  rules: string[];
  /** The rule-set version hash. */
  version: string;
  /** The conditions that matched, with the values seen. */
  matched: { ruleId: string; conditions: LeafTrace[] }[];
}

export interface Action {
  /** Deterministic: the same input gives the same id (the dispatch idempotency key). */
  id: string;
  type: ActionType;
  userId?: string;
  groupId?: string;
  appId?: string;
  role?: string;
  attributes?: Record<string, Json>;
  changes?: Record<string, { from: Json | undefined; to: Json }>;
  notBefore?: string;
  reason: Reason;
}

export interface Plan {
  version: string;
  asOf: string;
  actions: Action[];
  diagnostics: Diagnostic[];
}

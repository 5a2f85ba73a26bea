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
  /** Password changes are pushed to this app (`password.set`). */
  passwordSync?: boolean;
  /** Groups read from the app that become Roster groups whose members the app decides. */
  importGroups?: { appGroup: string; group: string }[];
  /** Safety thresholds for this app, replacing the settings' and the defaults. */
  safety?: SafetyThresholdRule[];
  [extra: string]: unknown;
}

/** Hold a plan when the listed action types on one app exceed `max` or `maxPercent` of its accounts. */
export interface SafetyThresholdRule {
  actions: ActionType[];
  max?: number;
  maxPercent?: number;
  minPopulation?: number;
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
  /** Apps this group is pushed to (`group.create`/`group.update`, memberships with `appId`). */
  push?: GroupPushTarget[];
}

export interface GroupPushTarget {
  app: string;
  /** The group's name in the app (default: the group's `name`, else its id). */
  name?: string;
}

/** A password policy document; the policy fields are those `validatePassword` reads. */
export interface PasswordPolicyRule {
  kind: 'password-policy';
  id: string;
  description?: string;
  priority?: number;
  when?: Condition;
  groups?: string[];
  minLength?: number;
  maxLength?: number;
  require?: { lowercase?: boolean; uppercase?: boolean; digit?: boolean; symbol?: boolean };
  minClasses?: number;
  excludeUsernameParts?: boolean | ('login' | 'email' | 'firstName' | 'lastName')[];
  historyCount?: number;
  minAgeMinutes?: number;
  maxAgeDays?: number;
  commonPasswordCheck?: boolean;
}

/** An admin's exception for one user and one app: deny > allow > rules; gone at `expiresAt`. */
export interface Override {
  id: string;
  userId: string;
  appId: string;
  effect: 'allow' | 'deny';
  role?: string;
  reason: string;
  expiresAt?: string;
}

export interface OverrideRule extends Override {
  kind: 'override';
}

export type AttributeType = 'string' | 'number' | 'boolean' | 'date' | 'string[]' | 'object';

export interface SettingsRule {
  kind: 'settings';
  id?: string;
  /** Declared profile attributes and their types: checked against condition values. */
  attributes?: Record<string, AttributeType>;
  /** Default deprovisioning for apps that do not say. */
  deprovision?: { onUnassign?: DeprovisionMode; deleteAfterDays?: number };
  /** Effective dates: staging window and the time zone of workers who do not say. */
  lifecycle?: { stageDaysBeforeStart?: number; timeZone?: string };
  /** Safety thresholds for every app without its own `safety`. */
  safety?: SafetyThresholdRule[];
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

export interface CompiledPasswordPolicy {
  id: string;
  file: string;
  line: number;
  priority: number;
  /** Absent: the policy does not test the profile (only `groups`, or everyone). */
  condition?: CompiledCondition;
  groups: string[];
  source: PasswordPolicyRule;
}

/** A group whose members come from an app (group sync): the app is its source of truth. */
export interface ImportedGroup {
  groupId: string;
  appId: string;
  /** The app's group: its `externalId`, or its name. */
  appGroup: string;
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
  /** Higher priority first, then id. */
  passwordPolicies?: CompiledPasswordPolicy[];
  /** Overrides written as `kind: override` documents, by id. */
  overrides?: OverrideRule[];
  /** Groups imported from apps, in group id order. */
  importedGroups?: ImportedGroup[];
}

// ---- desired state, observed state, actions ----------------------------------------------

export interface MatchedRule {
  ruleId: string;
  kind: 'assignment' | 'group' | 'import';
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
  /** The profile it was evaluated from (by reference): for overrides and password policies. */
  profile?: User;
  /** Effective dates, when the profile has `startDate` or `terminationDate`. */
  dates?: EffectiveDates;
}

export interface EffectiveDates {
  timeZone: string;
  /** The local start of `startDate`. */
  startAt?: string;
  /** When staging begins: `stageDaysBeforeStart` local days before the start. */
  stagingAt?: string;
  /** The local end of `terminationDate`. */
  terminationAt?: string;
  /**
   * `pre-hire`: before the staging window, nothing new is granted. `staged`: inside it, accounts
   * are created with `notBefore` = `stagingAt`. `terminating`: deprovisioning is planned with
   * `notBefore` = `terminationAt`. `terminated`: the user is treated as DEPROVISIONED.
   */
  phase: 'pre-hire' | 'staged' | 'active' | 'terminating' | 'terminated';
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
  /** Groups as the apps hold them (group push and group sync). */
  appGroups?: ObservedAppGroup[];
  /** How each app's read went; an app not listed is `ok`. Only `ok` apps may lose accounts. */
  health?: Record<string, ObservedHealth>;
}

export type ObservedHealth = 'ok' | 'empty' | 'failed';

export interface ObservedAppGroup {
  appId: string;
  /** The Roster group it is linked to (pushed groups), if any. */
  groupId?: string;
  /** The app's id for the group. */
  externalId?: string;
  name: string;
  description?: string;
  /** Roster user ids of its members. */
  members: string[];
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
  /** The override that decided, when one did. */
  override?: { id: string; effect: 'allow' | 'deny'; reason: string; expiresAt?: string };
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
  /** What may be carried out (after approval, when `held`). Refused actions are not here. */
  actions: Action[];
  diagnostics: Diagnostic[];
  /** True when a safety threshold was crossed: the plan waits for approval. */
  held?: boolean;
  holds?: PlanHold[];
  /** Actions never carried out, whatever the approval, with why. */
  refused?: { action: Action; reason: string }[];
}

export interface PlanHold {
  appId: string;
  actionTypes: ActionType[];
  count: number;
  population: number;
  reasons: string[];
}

export interface PlanOptions {
  /**
   * `false` leaves `reason.matched` empty for actions the rules ask for: tracing conditions is
   * most of what a reason costs, and a simulation that explains an action only when asked
   * (`explainUser`) need not pay it for every action. Default `true`.
   */
  matched?: boolean;
  /** More overrides, on top of the rule files' `kind: override` documents. */
  overrides?: Override[];
  safety?: {
    /** Replaces the thresholds from settings and app files. */
    thresholds?: { default: SafetyThresholdRule[]; apps?: Record<string, SafetyThresholdRule[]> };
    /** Merged over `observed.health`. */
    observedHealth?: Record<string, ObservedHealth>;
  };
}

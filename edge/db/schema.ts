// Roster's one storage schema (drizzle sqlite-core), shared by libSQL and D1. Timestamps are
// ISO-8601 text; JSON columns are typed so repositories never cast. Column names are snake_case
// in SQL so hand-written queries and reports read naturally.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SourcedProfile } from '../../engine/lifecycle/attribute-sources.ts';
import type { Action, ActionType, Json } from '../../engine/types.ts';
import type { TokenScope } from '../auth/scopes.ts';

export type JsonObject = Record<string, Json>;

export const identities = sqliteTable(
  'identities',
  {
    id: text('id').primaryKey(),
    login: text('login').notNull().unique(),
    email: text('email'),
    /** Lifecycle state: STAGED | PROVISIONED | ACTIVE | SUSPENDED | DEPROVISIONED. */
    status: text('status').notNull().default('ACTIVE'),
    /** The effective profile the engine sees (attributes by name). */
    profile: text('profile', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Every source's last value per attribute (engine/lifecycle/attribute-sources.ts). */
    sources: text('sources', { mode: 'json' }).$type<SourcedProfile['values']>().notNull(),
    passwordHash: text('password_hash'),
    passwordChangedAt: text('password_changed_at'),
    /** Previous password hashes only, newest first, for the history rule. */
    passwordHistory: text('password_history', { mode: 'json' }).$type<string[]>().notNull(),
    /** Bumped by every update: optimistic concurrency and the ETag. */
    version: integer('version').notNull().default(1),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('identities_status').on(t.status),
    index('identities_email').on(t.email),
    // SCIM userName is case-insensitive (RFC 7643 §4.1): `userName eq` is `login = ? COLLATE NOCASE`.
    index('identities_login_nocase').on(sql`${t.login} COLLATE NOCASE`),
  ],
);

export const groups = sqliteTable('groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  /** Where the group comes from: `rules`, `manual`, or an app/directory id. */
  source: text('source').notNull(),
});

export const memberships = sqliteTable(
  'memberships',
  {
    userId: text('user_id').notNull(),
    groupId: text('group_id').notNull(),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] }), index('memberships_group').on(t.groupId, t.userId)],
);

export const APP_STATUSES = ['ok', 'quarantined'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

export const apps = sqliteTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  connector: text('connector').notNull(),
  config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  status: text('status').$type<AppStatus>().notNull().default('ok'),
  quarantinedUntil: text('quarantined_until'),
});

export const ACCOUNT_STATUSES = ['active', 'suspended', 'deactivated'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const appAccounts = sqliteTable(
  'app_accounts',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    appId: text('app_id').notNull(),
    externalId: text('external_id'),
    status: text('status').$type<AccountStatus>().notNull(),
    role: text('role'),
    /** The account as last observed in the app. */
    attributes: text('attributes', { mode: 'json' }).$type<JsonObject>().notNull(),
    observedAt: text('observed_at'),
    deactivatedAt: text('deactivated_at'),
  },
  (t) => [uniqueIndex('app_accounts_user_app').on(t.userId, t.appId), index('app_accounts_app').on(t.appId)],
);

/**
 * Pushed groups as an app holds them, so far as Roster knows: recorded when its own
 * `group.create`/`group.update` is done there, read back by the planner (ObservedState
 * `appGroups`) so a group is created once and renamed only when its name changes.
 */
export const appGroups = sqliteTable(
  'app_groups',
  {
    appId: text('app_id').notNull(),
    /** The Roster group pushed. */
    groupId: text('group_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    observedAt: text('observed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.groupId] })],
);

/** Members of pushed groups in apps: recorded when a `membership.add`/`.remove` there is done. */
export const appGroupMembers = sqliteTable(
  'app_group_members',
  {
    appId: text('app_id').notNull(),
    groupId: text('group_id').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.groupId, t.userId] }), index('app_group_members_user').on(t.userId)],
);

export const ruleSetVersions = sqliteTable(
  'rule_set_versions',
  {
    version: text('version').primaryKey(),
    files: text('files', { mode: 'json' }).$type<{ path: string; text: string }[]>().notNull(),
    /** Where the rules came from: `rules/`, `upload`, a git commit. */
    source: text('source').notNull(),
    createdAt: text('created_at').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('rule_set_versions_active').on(t.active)],
);

export const RUN_KINDS = ['reconcile', 'simulate', 'import', 'jit', 'lifecycle'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATUSES = ['planned', 'held', 'approved', 'rejected', 'applied'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<RunKind>().notNull(),
    status: text('status').$type<RunStatus>().notNull(),
    ruleSetVersion: text('rule_set_version'),
    asOf: text('as_of').notNull(),
    summary: text('summary', { mode: 'json' }).$type<JsonObject>().notNull(),
    heldReasons: text('held_reasons', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: text('created_at').notNull(),
    decidedAt: text('decided_at'),
    decidedBy: text('decided_by'),
  },
  (t) => [index('runs_status').on(t.status, t.createdAt)],
);

/** `held`: its run waits for approval; `cancelled`: its run was rejected; `failed`: will retry. */
export const OUTBOX_STATUSES = ['held', 'pending', 'delivering', 'done', 'failed', 'dead', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const outbox = sqliteTable(
  'outbox',
  {
    /** The engine's deterministic action id: the delivery idempotency key. */
    id: text('id').primaryKey(),
    runId: text('run_id').notNull(),
    type: text('type').$type<ActionType>().notNull(),
    userId: text('user_id'),
    appId: text('app_id'),
    groupId: text('group_id'),
    /** The whole action, reason included. */
    payload: text('payload', { mode: 'json' }).$type<Action>().notNull(),
    notBefore: text('not_before'),
    status: text('status').$type<OutboxStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: text('next_attempt_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_run').on(t.runId),
    index('outbox_user').on(t.userId),
    // Reports by day (actions per day, deprovisions) read this alone, never the payloads.
    index('outbox_created').on(t.createdAt, t.type, t.status),
  ],
);

export const auditEvents = sqliteTable('audit_events', {
  /** Contiguous from 1: a gap is a deleted row. */
  seq: integer('seq').primaryKey(),
  at: text('at').notNull(),
  actor: text('actor').notNull(),
  type: text('type').notNull(),
  subject: text('subject'),
  data: text('data', { mode: 'json' }).$type<JsonObject>().notNull(),
  /** Unique: two writers that read the same head cannot both append (see edge/audit). */
  prevHash: text('prev_hash').notNull().unique(),
  hash: text('hash').notNull(),
});

export const IMPORT_STATUSES = ['running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const importRuns = sqliteTable('import_runs', {
  id: text('id').primaryKey(),
  source: text('source').notNull(),
  fileName: text('file_name'),
  status: text('status').$type<ImportStatus>().notNull(),
  total: integer('total').notNull().default(0),
  created: integer('created').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  errors: text('errors', { mode: 'json' }).$type<{ line?: number; message: string }[]>().notNull(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at'),
});

export const MANUAL_TASK_STATUSES = ['open', 'done'] as const;
export type ManualTaskStatus = (typeof MANUAL_TASK_STATUSES)[number];

export const manualTasks = sqliteTable(
  'manual_tasks',
  {
    id: text('id').primaryKey(),
    actionId: text('action_id').notNull().unique(),
    appId: text('app_id').notNull(),
    userId: text('user_id'),
    description: text('description').notNull(),
    owners: text('owners', { mode: 'json' }).$type<string[]>().notNull(),
    status: text('status').$type<ManualTaskStatus>().notNull(),
    createdAt: text('created_at').notNull(),
    doneAt: text('done_at'),
    doneBy: text('done_by'),
  },
  (t) => [index('manual_tasks_status').on(t.status)],
);

export const tokens = sqliteTable('tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  scope: text('scope').$type<TokenScope>().notNull(),
  /** sha256 hex of the token: the plaintext is shown once and never stored. */
  hash: text('hash').notNull().unique(),
  /** Binds a scim token to one source. */
  sourceId: text('source_id'),
  createdAt: text('created_at').notNull(),
  lastUsedAt: text('last_used_at'),
  revokedAt: text('revoked_at'),
});

export const sessions = sqliteTable('sessions', {
  /** sha256 hex of the session cookie value. */
  id: text('id').primaryKey(),
  tokenId: text('token_id').notNull(),
  expiresAt: text('expires_at').notNull(),
});

/**
 * SCIM bookkeeping beside identities and groups (edge/scim): which SCIM source created a
 * resource (a token bound to another source may not touch it), the client's externalId, and
 * the SCIM timestamps of groups (identities keep their own).
 */
export const scimResources = sqliteTable(
  'scim_resources',
  {
    /** `User` (an identity id) or `Group` (a group id). */
    resourceType: text('resource_type').$type<'User' | 'Group'>().notNull(),
    id: text('id').notNull(),
    /** The owning source: the creating token's sourceId, or `scim` for an unbound token. */
    source: text('source').notNull(),
    externalId: text('external_id'),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.resourceType, t.id] }), index('scim_resources_external').on(t.resourceType, t.externalId), index('scim_resources_source').on(t.source, t.resourceType)],
);

/** Import from apps: what each account read from an app is, against Roster's identities. */
export const IMPORT_SITUATIONS = ['linked', 'unlinked', 'unmatched', 'deleted', 'disputed'] as const;
export type ImportSituation = (typeof IMPORT_SITUATIONS)[number];
/** `pending`: waits for an admin; `confirmed`/`auto`: linked by an admin or by the app's autoConfirm; `none`: nothing to decide. */
export const IMPORT_DECISIONS = ['pending', 'confirmed', 'auto', 'rejected', 'none'] as const;
export type ImportDecision = (typeof IMPORT_DECISIONS)[number];

export const appImportItems = sqliteTable(
  'app_import_items',
  {
    /** `<importId>:<externalId>`. */
    id: text('id').primaryKey(),
    importId: text('import_id').notNull(),
    appId: text('app_id').notNull(),
    /** The app's id for the account (`deleted` items: the link's last known id). */
    externalId: text('external_id').notNull(),
    situation: text('situation').$type<ImportSituation>().notNull(),
    /** Identities the matching rules found (one for unlinked, several for disputed). */
    candidates: text('candidates', { mode: 'json' }).$type<string[]>().notNull(),
    /** Which rule matched (`email = email`). */
    matchedBy: text('matched_by'),
    userId: text('user_id'),
    account: text('account', { mode: 'json' }).$type<JsonObject>().notNull(),
    decision: text('decision').$type<ImportDecision>().notNull(),
    decidedAt: text('decided_at'),
    decidedBy: text('decided_by'),
  },
  (t) => [index('app_import_items_import').on(t.importId, t.situation), index('app_import_items_pending').on(t.appId, t.decision)],
);

/** Drift: where an app's observed accounts and memberships differ from the desired state. */
export const driftFindings = sqliteTable(
  'drift_findings',
  {
    id: text('id').primaryKey(),
    /** The comparison that found it (one per app per check). */
    checkId: text('check_id').notNull(),
    appId: text('app_id').notNull(),
    kind: text('kind').notNull(),
    userId: text('user_id'),
    groupId: text('group_id'),
    detail: text('detail', { mode: 'json' }).$type<JsonObject>().notNull(),
    foundAt: text('found_at').notNull(),
  },
  (t) => [index('drift_findings_app').on(t.appId, t.checkId)],
);

/**
 * Identity status changes a held run carries (a directory import that would deprovision too
 * many users): nothing changes until the run is approved, then each user still in `fromStatus`
 * moves to `toStatus` in the same batch that releases the run's actions; a rejection drops them.
 */
export const runStatusChanges = sqliteTable(
  'run_status_changes',
  {
    runId: text('run_id').notNull(),
    userId: text('user_id').notNull(),
    fromStatus: text('from_status').notNull(),
    toStatus: text('to_status').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.userId] }), index('run_status_changes_user').on(t.userId)],
);

/**
 * The waiting account actions a held run that plans its users in full would retire (edge/db/repos
 * runs.ts): nothing is cancelled while it is held; its approval cancels those still waiting, in
 * the same batch that releases its actions; a rejection drops the list.
 */
export const runRetirements = sqliteTable(
  'run_retirements',
  {
    runId: text('run_id').notNull(),
    actionId: text('action_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.actionId] })],
);

/** `pending`: waits for an agent; `taken`: an agent has it (the sealed password is gone); `answered`. */
export const DELEGATED_LOGIN_STATUSES = ['pending', 'taken', 'answered'] as const;
export type DelegatedLoginStatus = (typeof DELEGATED_LOGIN_STATUSES)[number];

/**
 * Delegated logins between the request that asks and the agent poll that answers (which may run
 * in another process or Workers isolate). The password is sealed and cleared when an agent takes
 * it; a row lives until the asking request reads its answer or `expiresAt` passes.
 */
export const delegatedLogins = sqliteTable(
  'delegated_logins',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    username: text('username').notNull(),
    /** AES-GCM sealed (services/passwords.ts `seal`), bound to the row id; null once taken. */
    sealedPassword: text('sealed_password'),
    status: text('status').$type<DelegatedLoginStatus>().notNull(),
    /** The agent's answer: `{ok, entry?, error?}`. */
    answer: text('answer', { mode: 'json' }).$type<JsonObject>(),
    createdAt: text('created_at').notNull(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('delegated_logins_app').on(t.appId, t.status)],
);

/** Where a directory's next incremental import starts (`modifyTimestamp` or `uSNChanged`), reported by its agent. */
export const agentCursors = sqliteTable('agent_cursors', {
  appId: text('app_id').primaryKey(),
  cursor: text('cursor').notNull(),
  /** The import that reported it. */
  importId: text('import_id'),
  updatedAt: text('updated_at').notNull(),
});

/**
 * JIT at login: which IdP account, the pair (issuer `iss`, subject `sub`) that OIDC Core §5.7
 * calls the only stable identifier of an end-user, an identity belongs to. A later login of the
 * pair updates that identity whatever its login claim says; one identity has at most one IdP
 * account (edge/jit/bindings.ts). Deleting the identity deletes its binding (a trigger in
 * migration 0008, as the schema has no foreign keys to cascade).
 */
export const jitBindings = sqliteTable(
  'jit_bindings',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: text('user_id').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.subject] }), uniqueIndex('jit_bindings_user').on(t.userId)],
);

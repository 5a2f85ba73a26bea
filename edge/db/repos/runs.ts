// Runs and their outbox actions. A run and all its actions are written in ONE batch, so a plan
// is either entirely queued or not at all. A held run's actions wait as `held` until an admin
// approves (→ `pending`; Roster's own memberships are applied then) or rejects (→ `cancelled`) it.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Action } from '../../../engine/types.ts';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, JsonObject, Outcome, Statement, WriteContext } from '../index.ts';
import { fail, isConstraintError, ok } from '../index.ts';
import { requeueable } from '../requeue.ts';
import { jsonField, jsonRow, jsonRowChunks, selectJsonRows } from '../json-rows.ts';
import { inJson, prepared } from '../prepared.ts';
import type { RunKind, RunStatus } from '../schema.ts';
import { memberships, outbox, runRetirements, runs } from '../schema.ts';
import { decideStatusChanges, runStatusChangesOf } from './run-status-changes.ts';
import { freshSql, staleReasons } from './run-staleness.ts';
import type { Page } from './cursor.ts';
import { beforeCursor, clampLimit, toPage } from './cursor.ts';

export type Run = typeof runs.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;

export interface RunInput {
  id: string;
  kind: RunKind;
  /** `held` when a safety gate stopped the plan; `planned` to queue it now. */
  status: Extract<RunStatus, 'planned' | 'held' | 'applied'>;
  ruleSetVersion?: string | null;
  asOf: string;
  summary?: JsonObject;
  heldReasons?: string[];
  /** The users this run plans in full (not stored): see `runStatements`. */
  plannedUsers?: readonly string[];
}

/** A run row as stored for `input`, created at `at`. */
export function newRun(input: RunInput, at: string): Run {
  return {
    id: input.id,
    kind: input.kind,
    status: input.status,
    ruleSetVersion: input.ruleSetVersion ?? null,
    asOf: input.asOf,
    summary: input.summary ?? {},
    heldReasons: input.heldReasons ?? [],
    createdAt: at,
    decidedAt: null,
    decidedBy: null,
  };
}

/**
 * The statements that store a run and its outbox actions, for `createRun` and for callers that
 * must put them in ONE batch with another change (a status change, a password change, a SCIM
 * write). An action id already queued is not queued twice (the id is the idempotency key); one
 * an earlier run left `dead` or `cancelled`, or `done` and since undone, is queued again
 * (edge/db/requeue.ts). The last statement counts them into the run's `summary.queued` and
 * returns the summary. The actions go in as JSON (edge/db/json-rows.ts). A run that plans users
 * in full (`plannedUsers`) retires their waiting account actions it no longer plans; any run
 * supersedes the waiting create or update of an account, or of a pushed group, it plans again.
 */
export function runStatements(db: Db, run: Run, actions: readonly Action[], at: string, plannedUsers?: readonly string[]): Statement[] {
  const held = run.status === 'held';
  // Each row is the action itself: SQLite reads the columns out of it and stores it whole as the
  // payload (one serialisation per action, no wrapper array to build, parse and render again).
  const notBefore = sql.raw(`value ->> '$.notBefore'`);
  // Roster's own memberships are applied with the run (`appliedWithRun`): stored done, unless held.
  const status = held ? sql`'held'` : sql`CASE WHEN ${appliedWithRunSql(sql.raw(`value ->> '$.appId'`), sql.raw(`value ->> '$.type'`))} THEN 'done' ELSE 'pending' END`;
  return [
    db.insert(runs).values(run),
    ...(held ? [] : membershipStatements(db, actions.filter(appliedWithRun))),
    ...(plannedUsers ? retireStatements(db, run, plannedUsers, actions, at) : held ? [] : supersedeStatements(db, run.id, actions, at)),
    ...(held ? [] : groupSupersedeStatements(db, run.id, actions, at)),
    ...jsonRowChunks(actions).map((chunk) =>
      db
        .insert(outbox)
        .select(
          selectJsonRows(db, chunk, {
            id: jsonField('id', 'id'),
            runId: sql`${run.id}`.as('run_id'),
            type: jsonField('type', 'type'),
            userId: jsonField('userId', 'user_id'),
            appId: jsonField('appId', 'app_id'),
            groupId: jsonField('groupId', 'group_id'),
            payload: jsonRow('payload'),
            notBefore: jsonField('notBefore', 'not_before'),
            status: status.as('status'),
            attempts: sql`0`.as('attempts'),
            lastError: sql`NULL`.as('last_error'),
            // An action due later waits until then; NULL (no notBefore) is not greater: due now.
            nextAttemptAt: sql`CASE WHEN ${notBefore} > ${at} THEN ${notBefore} ELSE ${at} END`.as('next_attempt_at'),
            createdAt: sql`${at}`.as('created_at'),
            updatedAt: sql`${at}`.as('updated_at'),
          }),
        )
        .onConflictDoUpdate({
          target: outbox.id,
          // Queued again, it is this run's action: planned now (reports by period read `created_at`).
          set: { runId: sql.raw('excluded.run_id'), payload: sql.raw('excluded.payload'), status: sql.raw('excluded.status'), attempts: 0, lastError: null, nextAttemptAt: sql.raw('excluded.next_attempt_at'), createdAt: sql.raw('excluded.created_at'), updatedAt: sql.raw('excluded.updated_at') },
          setWhere: requeueable,
        }),
    ),
    // The summary's `queued`: the actions this run stored, new or queued again. One already
    // waiting stays with the run that queued it, so a run that found everything queued says 0.
    db
      .update(runs)
      .set({ summary: sql`json_set(${runs.summary}, '$.queued', (SELECT count(*) FROM ${outbox} WHERE ${outbox.runId} = ${run.id}))` })
      .where(eq(runs.id, run.id))
      .returning({ summary: runs.summary }),
  ];
}

/** Actions that carry an account's whole desired state: a newer one makes an older one wrong. */
const ACCOUNT_STATE = ['account.create', 'account.update'] as const;

/**
 * An account's create or update still waiting (pending, or failed and due again) when a run
 * plans another one for the same user and app is stale: it carries attributes or a role the user
 * no longer has, and delivered first it would leave them in the app (the newer create then finds
 * the account and stops). The run cancels it, saying so. The same action planned again (same id)
 * is not touched, nor one being delivered; a held run cancels nothing (it may be rejected).
 */
function supersedeStatements(db: Db, runId: string, actions: readonly Action[], at: string): Statement[] {
  const newer = actions.filter((a) => (ACCOUNT_STATE as readonly string[]).includes(a.type) && a.userId !== undefined && a.appId !== undefined).map((a) => [a.userId, a.appId, a.id]);
  return jsonRowChunks(newer).map((chunk) => supersede(db, runId, sql`SELECT n.value ->> 0 AS user_id, n.value ->> 1 AS app_id, n.value ->> 2 AS id FROM json_each(${chunk}) n`, at));
}

/**
 * Still to be delivered: pending, or failed and due again (not held, not being delivered).
 * A query of some users' waiting work names `INDEXED BY outbox_user`: left to itself, SQLite
 * read it through the status index, every waiting row of everyone for each user
 * (test/storage/query-plans.test.ts).
 */
const waitingSql = (status: SQL): SQL => sql`${status} IN ('pending', 'failed')`;

/** An account's own work: an `account.*` action, or the manual task that stands in for one in a manual app. */
const accountWork = (type: string): boolean => type.startsWith('account.') || type === 'task.manual';
const accountWorkSql = (type: SQL): SQL => sql`(${type} LIKE 'account.%' OR ${type} = 'task.manual')`;

/**
 * A run that plans users in full holds every account action they still need, so one of theirs
 * (`accountWork`) still waiting (pending, or failed and due again) that it does not plan again
 * (same id) is no longer wanted: the account a leaver was about to get, the suspension of a user
 * reinstated since, a create with attributes since changed. It is cancelled, saying so; by a
 * held run only once it is approved (the list waits in `run_retirements`).
 */
function retireStatements(db: Db, run: Run, plannedUsers: readonly string[], actions: readonly Action[], at: string): Statement[] {
  const kept = new Map<string, string[]>(plannedUsers.map((id) => [id, []]));
  for (const action of actions) if (accountWork(action.type) && action.userId !== undefined) kept.get(action.userId)?.push(action.id);
  const stale = (chunk: string) =>
    sql`SELECT o.id FROM json_each(${chunk}) n JOIN ${outbox} o INDEXED BY outbox_user ON o.user_id = n.value ->> 0 WHERE ${waitingSql(sql.raw('o.status'))} AND ${accountWorkSql(sql.raw('o.type'))} AND o.id NOT IN (SELECT value FROM json_each(n.value -> 1))`;
  return jsonRowChunks([...kept]).map((chunk) =>
    // Held: nothing changes yet; the list waits for the decision (`decideRun`).
    run.status === 'held'
      ? db.insert(runRetirements).select(db.select({ runId: sql`${run.id}`.as('run_id'), actionId: sql`id`.as('action_id') }).from(sql`(${stale(chunk)})`).where(sql`true`)).onConflictDoNothing()
      : db.update(outbox).set({ status: 'cancelled', lastError: retiredBy(run.id), updatedAt: at }).where(sql`${outbox.id} IN (${stale(chunk)})`),
  );
}

const retiredBy = (runId: string) => `no longer planned: run ${runId} planned this user again without it`;

/** On approval, the retirements a held run listed (`retireStatements`), of actions still waiting. */
function heldRetireStatement(db: Db, runId: string, at: string): Statement {
  return db
    .update(outbox)
    .set({ status: 'cancelled', lastError: retiredBy(runId), updatedAt: at })
    .where(and(sql`${outbox.id} IN (SELECT ${runRetirements.actionId} FROM ${runRetirements} WHERE ${runRetirements.runId} = ${runId})`, waitingSql(sql`${outbox.status}`)));
}

/**
 * Whether a full plan of `userIds` (its action ids `planIds`) would write nothing: every action
 * already queued and not to be queued again (edge/db/requeue.ts), and none of their account work
 * waiting that it no longer plans (`retireStatements`). One statement, for a login's few
 * actions; `false` (write the run) beyond 1,000 actions or 5,000 users.
 */
export async function nothingToWrite(db: Db, userIds: readonly string[], planIds: readonly string[]): Promise<boolean> {
  if (planIds.length > 1000 || userIds.length > 5000) return false;
  const query = prepared(db, 'outbox.nothingToWrite', (d) =>
    d
      .select({
        queued: sql<number>`(SELECT count(*) FROM ${outbox} WHERE ${inJson(outbox.id, 'ids')} AND NOT ${requeueable})`,
        waiting: sql<number>`(SELECT count(*) FROM ${outbox} INDEXED BY outbox_user WHERE ${inJson(outbox.userId, 'users')} AND ${waitingSql(sql`${outbox.status}`)} AND ${accountWorkSql(sql`${outbox.type}`)} AND NOT ${inJson(outbox.id, 'ids')})`,
      })
      .from(sql`(SELECT 1)`)
      .prepare(),
  );
  const [row] = await query.all({ ids: JSON.stringify(planIds), users: JSON.stringify(userIds) });
  return Number(row?.queued ?? 0) === new Set(planIds).size && Number(row?.waiting ?? 0) === 0;
}

/** On approval, what a held run's own account and group actions supersede (`supersedeStatements`, `groupSupersedeStatements`), read from its outbox rows. */
function heldSupersedeStatements(db: Db, runId: string, at: string): Statement[] {
  const held = (columns: string, types: SQL) => sql`SELECT ${sql.raw(columns)}, id FROM ${outbox} WHERE run_id = ${runId} AND status = 'held' AND type IN (${types})`;
  return [supersede(db, runId, held('user_id, app_id', ACCOUNT_STATE_SQL), at), supersedeGroups(db, runId, held('app_id, group_id', GROUP_STATE_SQL), at)];
}

const ACCOUNT_STATE_SQL = sql.raw(ACCOUNT_STATE.map((t) => `'${t}'`).join(', '));

const GROUP_STATE_SQL = sql.raw(`'group.create', 'group.update'`);

/**
 * The same for a group pushed to an app: a waiting create or update of it when a run plans
 * another (the rules' name or description changed) carries what the rules no longer give.
 * Delivered first, it would leave that in the app, and the newer create, finding the group,
 * would record the new name as the app's: no update would ever follow. The run cancels it.
 */
function groupSupersedeStatements(db: Db, runId: string, actions: readonly Action[], at: string): Statement[] {
  const newer = actions.filter((a) => (a.type === 'group.create' || a.type === 'group.update') && a.userId === undefined && a.appId !== undefined && a.groupId !== undefined).map((a) => [a.appId, a.groupId, a.id]);
  return jsonRowChunks(newer).map((chunk) => supersedeGroups(db, runId, sql`SELECT n.value ->> 0 AS app_id, n.value ->> 1 AS group_id, n.value ->> 2 AS id FROM json_each(${chunk}) n`, at));
}

/** Cancels the waiting group actions `newer` (rows of app_id, group_id, id) makes stale; app-level actions have no user. */
function supersedeGroups(db: Db, runId: string, newer: SQL, at: string): Statement {
  const stale = sql`SELECT o.id FROM (${newer}) n JOIN ${outbox} o INDEXED BY outbox_user ON o.user_id IS NULL WHERE o.app_id = n.app_id AND o.group_id = n.group_id AND o.id <> n.id AND ${waitingSql(sql.raw('o.status'))} AND o.type IN (${GROUP_STATE_SQL})`;
  return db.update(outbox).set({ status: 'cancelled', lastError: `superseded by run ${runId}, which plans this group again`, updatedAt: at }).where(sql`${outbox.id} IN (${stale})`);
}

/** Cancels the waiting account actions `newer` (rows of user_id, app_id, id) makes stale. */
function supersede(db: Db, runId: string, newer: SQL, at: string): Statement {
  return db
    .update(outbox)
    .set({ status: 'cancelled', lastError: `superseded by run ${runId}, which plans this account again`, updatedAt: at })
    .where(
      sql`${outbox.id} IN (SELECT o.id FROM (${newer}) n JOIN ${outbox} o ON o.user_id = n.user_id WHERE o.app_id = n.app_id AND o.id <> n.id AND ${waitingSql(sql.raw('o.status'))} AND o.type IN (${ACCOUNT_STATE_SQL}))`,
    );
}

/**
 * Roster's own group memberships (a `membership.*` action with no app) need no delivery: they
 * are applied with the run, in its batch, and their outbox rows stored `done` (a held run's
 * wait for the approval, `decideRun`). Only memberships in apps go through the dispatcher.
 */
export function appliedWithRun(action: Pick<Action, 'type' | 'appId'>): boolean {
  return (action.type === 'membership.add' || action.type === 'membership.remove') && action.appId === undefined;
}

/** `appliedWithRun` in SQL, of an action's app id and type (outbox columns or a JSON row's fields). */
function appliedWithRunSql(appId: SQL, type: SQL): SQL {
  return sql`(${appId} IS NULL AND ${type} IN ('membership.add', 'membership.remove'))`;
}

/** Writes the memberships `actions` (all `appliedWithRun`) add and remove; added ones are the rules'. */
function membershipStatements(db: Db, actions: readonly Action[]): Statement[] {
  const ofType = (type: Action['type']) => jsonRowChunks(actions.filter((a) => a.type === type));
  return [
    ...ofType('membership.remove').map((chunk) => db.delete(memberships).where(sql`(${memberships.userId}, ${memberships.groupId}) IN (SELECT value ->> '$.userId', value ->> '$.groupId' FROM json_each(${chunk}))`)),
    ...ofType('membership.add').map((chunk) =>
      db
        .insert(memberships)
        .select(selectJsonRows(db, chunk, { userId: jsonField('userId', 'user_id'), groupId: jsonField('groupId', 'group_id'), source: sql`'rules'`.as('source') }))
        .onConflictDoNothing(),
    ),
  ];
}

/** On approval, what a held run's own membership actions change (`appliedWithRun`), read from its outbox rows. */
function heldMembershipStatements(db: Db, runId: string): Statement[] {
  const own = (type: string) => sql`${outbox.runId} = ${runId} AND ${outbox.status} = 'held' AND ${outbox.type} = ${type} AND ${outbox.appId} IS NULL`;
  return [
    db.delete(memberships).where(sql`(${memberships.userId}, ${memberships.groupId}) IN (SELECT ${outbox.userId}, ${outbox.groupId} FROM ${outbox} WHERE ${own('membership.remove')})`),
    db
      .insert(memberships)
      .select(db.select({ userId: outbox.userId, groupId: sql`${outbox.groupId}`.as('group_id'), source: sql`'rules'`.as('source') }).from(outbox).where(own('membership.add')))
      .onConflictDoNothing(),
  ];
}

/** The audit event that records a run. */
export function runEvent(run: Run, actions: readonly Action[], ctx: WriteContext): AuditEvent {
  const counts: JsonObject = {};
  for (const action of actions) counts[action.type] = ((counts[action.type] as number | undefined) ?? 0) + 1;
  return { ...ctx, type: 'run.create', subject: run.id, data: { kind: run.kind, status: run.status, ruleSetVersion: run.ruleSetVersion, actions: counts, heldReasons: run.heldReasons } };
}

/** Writes the run and its actions (see `runStatements`) with its audit event, in one batch. */
export async function createRun(db: Db, input: RunInput, actions: readonly Action[], ctx: WriteContext): Promise<Outcome<{ run: Run; queued: number }, 'exists'>> {
  const run = newRun(input, ctx.at);
  const event = runEvent(run, actions, ctx);
  const statements = (): Statement[] => runStatements(db, run, actions, ctx.at, input.plannedUsers);
  let results: unknown[];
  try {
    results = await writeWithAudit(db, [event], statements);
  } catch (error) {
    if (isConstraintError(error, 'runs.id')) return fail('exists', `run \`${run.id}\` exists`);
    throw error;
  }
  const [stored] = results[results.length - 1] as Pick<Run, 'summary'>[];
  const summary = stored?.summary ?? run.summary;
  return ok({ run: { ...run, summary }, queued: Number(summary.queued ?? 0) });
}

export async function getRun(db: Db, id: string): Promise<Run | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id)).limit(1);
  return row;
}

/**
 * Approves or rejects a held run and releases or cancels its held actions (and applies or drops
 * the identity status changes it carries), together. The status guard is inside the UPDATE: a
 * run decided meanwhile fails the batch (`not_held`). A run that no longer stands (its rule set
 * is no longer active, its users changed or were planned again since: run-staleness.ts) cannot
 * be approved (`stale`), also when that happens between this read and the batch; it can be rejected.
 */
export async function decideRun(db: Db, id: string, decision: 'approve' | 'reject', ctx: WriteContext): Promise<Outcome<Run, 'not_found' | 'not_held' | 'stale'>> {
  const current = await getRun(db, id);
  if (!current) return fail('not_found', `no run \`${id}\``);
  if (current.status !== 'held') return fail('not_held', `run \`${id}\` is \`${current.status}\`, not held`);
  const stale = async () => {
    const reasons = decision === 'approve' ? await staleReasons(db, current) : [];
    return reasons.length === 0 ? undefined : fail('stale', `run \`${id}\` cannot be approved: ${reasons.join('; ')}: reject it and plan again`);
  };
  const refused = await stale();
  if (refused) return refused;
  const next: RunStatus = decision === 'approve' ? 'approved' : 'rejected';
  // Identity status changes the run carries (a directory import's deprovisions) go with it.
  const changes = decideStatusChanges(db, id, await runStatusChangesOf(db, id), decision, ctx);
  const allowed = decision === 'approve' ? sql` AND ${freshSql(current)}` : sql``;
  let results: unknown[];
  try {
    results = await writeWithAudit(db, [{ ...ctx, type: `run.${decision}`, subject: id }, ...changes.events], () => [
      db
        .update(runs)
        .set({ status: sql`CASE WHEN ${runs.status} = 'held'${allowed} THEN ${next} ELSE NULL END`, decidedAt: ctx.at, decidedBy: ctx.actor })
        .where(eq(runs.id, id))
        .returning(),
      ...(decision === 'approve' ? [...heldMembershipStatements(db, id), ...heldSupersedeStatements(db, id, ctx.at), heldRetireStatement(db, id, ctx.at)] : []),
      db.delete(runRetirements).where(eq(runRetirements.runId, id)),
      db
        .update(outbox)
        .set({
          status: decision === 'approve' ? sql`CASE WHEN ${appliedWithRunSql(sql`${outbox.appId}`, sql`${outbox.type}`)} THEN 'done' ELSE 'pending' END` : 'cancelled',
          nextAttemptAt: sql`max(${outbox.nextAttemptAt}, ${ctx.at})`,
          updatedAt: ctx.at,
        })
        .where(and(eq(outbox.runId, id), eq(outbox.status, 'held'))),
      ...changes.statements(),
    ]);
  } catch (error) {
    // Decided meanwhile, or (an approval) no longer standing since the read above.
    if (isConstraintError(error, 'runs.status')) return ((await getRun(db, id))?.status === 'held' ? await stale() : undefined) ?? fail('not_held', `run \`${id}\` was decided meanwhile`);
    throw error;
  }
  const [row] = results[0] as Run[];
  return row ? ok(row) : fail('not_found', `no run \`${id}\``);
}

export async function markRunApplied(db: Db, id: string, ctx: WriteContext): Promise<Outcome<Run, 'not_found'>> {
  const [rows] = (await writeWithAudit(db, [{ ...ctx, type: 'run.applied', subject: id }], () => [
    db.update(runs).set({ status: 'applied' }).where(eq(runs.id, id)).returning(),
  ])) as Run[][];
  const row = rows?.[0];
  return row ? ok(row) : fail('not_found', `no run \`${id}\``);
}

export interface RunFilter {
  status?: RunStatus;
  kind?: RunKind;
  limit?: number;
  cursor?: string;
}

/** Newest first. */
export async function listRuns(db: Db, filter: RunFilter = {}): Promise<Outcome<Page<Run>, 'bad_cursor'>> {
  const limit = clampLimit(filter.limit);
  const where: SQL[] = [];
  if (filter.cursor !== undefined) {
    const after = beforeCursor(filter.cursor, runs.createdAt, runs.id);
    if (!after) return fail('bad_cursor', `cursor \`${filter.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(after);
  }
  if (filter.status) where.push(eq(runs.status, filter.status));
  if (filter.kind) where.push(eq(runs.kind, filter.kind));
  const rows = await db
    .select()
    .from(runs)
    .where(and(...where))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit + 1);
  return ok(toPage(rows, limit, (r) => `${r.createdAt}|${r.id}`));
}

// Whether a held run still stands for the world it was planned in. Its actions were planned
// under one rule set from its users as they were then: approved after the active rules changed,
// or after one of its users changed or was planned again by a later run, it would deliver what
// nobody plans any more (the accounts a new rule grants deleted, a rehired leaver's creates
// cancelled). Such a run is approved by nobody: it is rejected and planned again. Rejection is
// always allowed.
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Db } from '../index.ts';
import type { runs } from '../schema.ts';

type HeldRun = Pick<typeof runs.$inferSelect, 'id' | 'ruleSetVersion' | 'createdAt'>;

/** The users a decision on the run touches: its actions', its status changes' and its retirements'. */
const usersOf = (runId: string): SQL =>
  sql`SELECT user_id FROM outbox WHERE run_id = ${runId} AND user_id IS NOT NULL
      UNION SELECT user_id FROM run_status_changes WHERE run_id = ${runId}
      UNION SELECT o.user_id FROM run_retirements r JOIN outbox o ON o.id = r.action_id WHERE r.run_id = ${runId} AND o.user_id IS NOT NULL`;

/** Its users changed since it was planned (every identity write that changes something moves `updated_at`). */
const changedSql = (run: HeldRun): SQL => sql`SELECT i.id AS user_id, NULL AS run_id FROM identities i WHERE i.id IN (${usersOf(run.id)}) AND i.updated_at > ${run.createdAt}`;

/** Its users planned again by a later run that was not rejected (it queued something else for them). */
const replannedSql = (run: HeldRun): SQL =>
  sql`SELECT o.user_id AS user_id, o.run_id AS run_id FROM outbox o INDEXED BY outbox_user JOIN runs l ON l.id = o.run_id WHERE o.user_id IN (${usersOf(run.id)}) AND l.created_at > ${run.createdAt} AND l.status <> 'rejected'`;

const activeVersionSql = sql`(SELECT version FROM rule_set_versions WHERE active = 1 LIMIT 1)`;

/**
 * True in SQL while the run still stands: the active rule set is the one it was planned under,
 * and none of its users changed or was planned again since. The approval's guard, inside its batch.
 */
export function freshSql(run: HeldRun): SQL {
  return sql`(coalesce(${activeVersionSql}, '') = ${run.ruleSetVersion ?? ''} AND NOT EXISTS (${changedSql(run)}) AND NOT EXISTS (${replannedSql(run)}))`;
}

const SHOWN = 10;
const short = (version: string | null) => (version === null ? 'none' : `\`${version.slice(0, 12)}\``);
const listed = (ids: readonly string[], more: boolean) => `${ids.map((id) => `\`${id}\``).join(', ')}${more ? ' and more' : ''}`;

/** Why the run no longer stands, one clause each (empty when it does). */
export async function staleReasons(db: Db, run: HeldRun): Promise<string[]> {
  const reasons: string[] = [];
  const [active] = await db.all<{ version: string | null }>(sql`SELECT ${activeVersionSql} AS version`);
  const version = active?.version ?? null;
  if (version !== run.ruleSetVersion) reasons.push(`it was planned under rule set ${short(run.ruleSetVersion)} and ${version === null ? 'no rule set' : short(version)} is active now`);
  const changed = await db.all<{ user_id: string }>(sql`${changedSql(run)} ORDER BY 1 LIMIT ${SHOWN + 1}`);
  if (changed.length > 0) reasons.push(`users changed since: ${listed(changed.slice(0, SHOWN).map((r) => r.user_id), changed.length > SHOWN)}`);
  const replanned = await db.all<{ user_id: string; run_id: string }>(sql`SELECT DISTINCT user_id, run_id FROM (${replannedSql(run)}) ORDER BY 2, 1 LIMIT ${SHOWN + 1}`);
  if (replanned.length > 0) {
    const later = [...new Set(replanned.map((r) => r.run_id))];
    reasons.push(`users planned again by later run${later.length > 1 ? 's' : ''} ${listed(later, false)}: ${listed([...new Set(replanned.slice(0, SHOWN).map((r) => r.user_id))], replanned.length > SHOWN)}`);
  }
  return reasons;
}

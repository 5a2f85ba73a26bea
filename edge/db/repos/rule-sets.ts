// Rule-set versions: every version ever loaded or uploaded, keyed by its content hash, and
// which one is active. Saving the same version twice is a no-op (idempotent).
import { and, desc, eq, ne } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, Outcome, Statement, WriteContext } from '../index.ts';
import { fail, ok } from '../index.ts';
import { ruleSetVersions } from '../schema.ts';
import type { Page } from './cursor.ts';
import { beforeCursor, clampLimit, toPage } from './cursor.ts';

export type RuleSetVersion = typeof ruleSetVersions.$inferSelect;
export type RuleSetInput = Pick<RuleSetVersion, 'version' | 'files' | 'source'>;

/** Keeps the version (unless known) and, with `activate`, makes it the only active one. */
export async function saveRuleSet(db: Db, input: RuleSetInput, ctx: WriteContext, options: { activate?: boolean } = {}): Promise<{ created: boolean; version: RuleSetVersion }> {
  const known = await getRuleSet(db, input.version);
  const wasActive = known?.active === true;
  if (known && (!options.activate || wasActive)) return { created: false, version: known };
  const statements: Statement[] = [];
  if (!known) statements.push(db.insert(ruleSetVersions).values({ ...input, createdAt: ctx.at, active: false }).onConflictDoNothing());
  if (options.activate) {
    statements.push(db.update(ruleSetVersions).set({ active: false }).where(ne(ruleSetVersions.version, input.version)));
    statements.push(db.update(ruleSetVersions).set({ active: true }).where(eq(ruleSetVersions.version, input.version)));
  }
  const events: AuditEvent[] = [
    ...(known ? [] : [{ ...ctx, type: 'ruleset.save', subject: input.version, data: { source: input.source, files: input.files.map((f) => f.path) } }]),
    ...(options.activate ? [{ ...ctx, type: 'ruleset.activate', subject: input.version, data: { previous: (await getActiveRuleSet(db))?.version ?? null } }] : []),
  ];
  await writeWithAudit(db, events, () => statements);
  const saved = await getRuleSet(db, input.version);
  if (!saved) throw new Error(`rule set \`${input.version}\` vanished after saving`);
  return { created: !known, version: saved };
}

export async function activateRuleSet(db: Db, version: string, ctx: WriteContext): Promise<Outcome<RuleSetVersion, 'not_found'>> {
  const known = await getRuleSet(db, version);
  if (!known) return fail('not_found', `no rule set version \`${version}\``);
  return ok((await saveRuleSet(db, known, ctx, { activate: true })).version);
}

export async function getRuleSet(db: Db, version: string): Promise<RuleSetVersion | undefined> {
  const [row] = await db.select().from(ruleSetVersions).where(eq(ruleSetVersions.version, version)).limit(1);
  return row;
}

export async function getActiveRuleSet(db: Db): Promise<RuleSetVersion | undefined> {
  const [row] = await db.select().from(ruleSetVersions).where(eq(ruleSetVersions.active, true)).limit(1);
  return row;
}

/** Versions listed when a page asks for no size: as many as the list held before it had pages. */
export const RULE_SET_PAGE = 100;

/** Newest first, without file contents, a page at a time (every version is kept, so there may be many). */
export async function pageRuleSets(db: Db, filter: { limit?: number; cursor?: string; active?: boolean } = {}): Promise<Outcome<Page<Omit<RuleSetVersion, 'files'>>, 'bad_cursor'>> {
  const limit = clampLimit(filter.limit ?? RULE_SET_PAGE);
  const where: SQL[] = [];
  if (filter.cursor !== undefined) {
    const after = beforeCursor(filter.cursor, ruleSetVersions.createdAt, ruleSetVersions.version);
    if (!after) return fail('bad_cursor', `cursor \`${filter.cursor.slice(0, 40)}\` is not one we issued`);
    where.push(after);
  }
  if (filter.active !== undefined) where.push(eq(ruleSetVersions.active, filter.active));
  const rows = await db
    .select({ version: ruleSetVersions.version, source: ruleSetVersions.source, createdAt: ruleSetVersions.createdAt, active: ruleSetVersions.active })
    .from(ruleSetVersions)
    .where(and(...where))
    .orderBy(desc(ruleSetVersions.createdAt), desc(ruleSetVersions.version))
    .limit(limit + 1);
  return ok(toPage(rows, limit, (r) => `${r.createdAt}|${r.version}`));
}

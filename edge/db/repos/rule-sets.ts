// Rule-set versions: every version ever loaded or uploaded, keyed by its content hash, and
// which one is active. Saving the same version twice is a no-op (idempotent).
import { desc, eq, ne } from 'drizzle-orm';
import { writeWithAudit } from '../../audit/chain.ts';
import type { AuditEvent } from '../../audit/chain.ts';
import type { Db, Outcome, Statement, WriteContext } from '../index.ts';
import { fail, ok } from '../index.ts';
import { ruleSetVersions } from '../schema.ts';

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

/** Newest first, without file contents. */
export async function listRuleSets(db: Db, limit = 100): Promise<Omit<RuleSetVersion, 'files'>[]> {
  return db
    .select({ version: ruleSetVersions.version, source: ruleSetVersions.source, createdAt: ruleSetVersions.createdAt, active: ruleSetVersions.active })
    .from(ruleSetVersions)
    .orderBy(desc(ruleSetVersions.createdAt), desc(ruleSetVersions.version))
    .limit(limit);
}

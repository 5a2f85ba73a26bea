// The active rule set, compiled once per version and kept per database handle: a login or an
// import reads one row (the active version) and reuses the compiled rules while it holds.
import { eq } from 'drizzle-orm';
import { compileRules } from '../../engine/compile.ts';
import type { Diagnostic, RuleSet } from '../../engine/types.ts';
import type { Db } from '../db/index.ts';
import { prepared } from '../db/prepared.ts';
import { getRuleSet } from '../db/repos/rule-sets.ts';
import { ruleSetVersions } from '../db/schema.ts';

export interface ActiveRules {
  /** The stored version (the hash the rule set was saved under). */
  version: string;
  ruleSet: RuleSet;
  diagnostics: Diagnostic[];
}

const cache = new WeakMap<Db, ActiveRules>();

export async function activeRules(db: Db): Promise<ActiveRules | undefined> {
  const [row] = await prepared(db, 'ruleSet.active', (d) => d.select({ version: ruleSetVersions.version }).from(ruleSetVersions).where(eq(ruleSetVersions.active, true)).limit(1).prepare()).all();
  if (!row) return undefined;
  const cached = cache.get(db);
  if (cached?.version === row.version) return cached;
  const stored = await getRuleSet(db, row.version);
  if (!stored) return undefined;
  const { ruleSet, diagnostics } = compileRules(stored.files);
  const compiled = { version: row.version, ruleSet, diagnostics };
  cache.set(db, compiled);
  return compiled;
}

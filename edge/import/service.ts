// An import as the API and the CLI run it: the active rules give the attribute types, and
// what was written is planned against them (run kind `import`), all on one database.
import type { Db, WriteContext } from '../db/index.ts';
import { getIdentities } from '../db/repos/identities.ts';
import { activeRules } from '../jit/active-rules.ts';
import { planIdentities } from '../jit/plan-users.ts';
import type { ImportInput, ImportPlanSummary, ImportResult } from './run.ts';
import { runImport } from './run.ts';

export interface ImportServiceOptions extends Omit<ImportInput, 'types' | 'plan'> {
  /** Plan the written identities (default true). */
  plan?: boolean;
  newId(): string;
}

export async function importWorkers(db: Db, options: ImportServiceOptions, ctx: WriteContext): Promise<ImportResult> {
  const rules = await activeRules(db);
  const types = rules?.ruleSet.settings.attributes ?? {};
  const plan =
    rules && options.plan !== false
      ? async (userIds: string[]): Promise<ImportPlanSummary> => {
          const runId = options.newId();
          const planned = await planIdentities(db, rules.ruleSet, await getIdentities(db, userIds), { kind: 'import', runId, ruleSetVersion: rules.version }, ctx);
          return { runId, actions: planned.plan.actions.length, held: planned.plan.held === true };
        }
      : undefined;
  const { plan: _plan, newId: _newId, ...input } = options;
  return runImport(db, { ...input, types, ...(plan ? { plan } : {}) }, ctx);
}

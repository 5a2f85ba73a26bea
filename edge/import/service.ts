// An import as the API, the CLI and `npm start` run it: the active rules give the attribute
// types, and the identities it wrote are then planned by the reconcile service
// (edge/services/reconcile.ts: one run with its outbox actions in one batch).
import type { WriteContext } from '../db/index.ts';
import type { Identity } from '../db/repos/identities.ts';
import { activeRules } from '../jit/active-rules.ts';
import type { Runtime } from '../runtime.ts';
import { toUser } from '../services/engine.ts';
import { reconcile } from '../services/reconcile.ts';
import type { ImportInput, ImportPlanSummary, ImportResult } from './run.ts';
import { runImport } from './run.ts';

export interface ImportServiceOptions extends Omit<ImportInput, 'types' | 'plan'> {
  /** Plan the written identities (default true). */
  plan?: boolean;
}

export async function importWorkers(runtime: Runtime, options: ImportServiceOptions, ctx: WriteContext): Promise<ImportResult> {
  const { db } = runtime;
  const rules = await activeRules(db);
  const types = rules?.ruleSet.settings.attributes ?? {};
  const plan =
    rules && options.plan !== false
      ? async (_userIds: string[], rows: readonly Identity[]): Promise<ImportPlanSummary> => {
          const users = rows.map(toUser);
          const { run, plan: planned } = await reconcile(runtime, { users }, ctx);
          return { runId: run.id, actions: planned.actions.length, held: run.status === 'held' };
        }
      : undefined;
  const { plan: _plan, ...input } = options;
  return runImport(db, { ...input, types, ...(plan ? { plan } : {}) }, ctx);
}

// Evaluate and plan once for the commands that show a plan (simulate, schedule).
import { evaluate } from '../../engine/evaluate.ts';
import { plan } from '../../engine/plan.ts';
import type { Diagnostic, Plan } from '../../engine/types.ts';
import type { RunInputs } from './inputs.ts';

export interface PlanRun {
  plan: Plan;
  /** From evaluation and planning, each reported once. */
  diagnostics: Diagnostic[];
}

export function runPlan({ ruleSet, users, observed, ctx }: RunInputs): PlanRun {
  const desired = evaluate(ruleSet, users, ctx, observed.appGroups ? { appGroups: observed.appGroups } : {});
  const result = plan(ruleSet, desired, observed, ctx);
  return { plan: result, diagnostics: uniqueDiagnostics([...desired.flatMap((d) => d.diagnostics), ...result.diagnostics]) };
}

export function uniqueDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.message, d.file, d.line, d.ruleId]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

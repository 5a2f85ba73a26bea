// Rule sets for unit tests of evaluate/plan/explain, written as objects for readability and
// compiled by the real compiler (`compileRules`), so tests see exactly what users' rules give.
import { compileRules } from '../compile.ts';
import type { AppRule, AssignmentRule, GroupRule, RuleSet } from '../types.ts';

export type FixtureApp = Pick<AppRule, 'id' | 'name' | 'connector' | 'roles' | 'attributes' | 'deprovision' | 'owners'>;
export type FixtureAssignment = Omit<AssignmentRule, 'kind'>;
export type FixtureGroup = Omit<GroupRule, 'kind'>;

/** Compiles the rules (one JSON file per rule); any compile error fails the test that built them. */
export function fixtureRuleSet(input: { apps?: FixtureApp[]; assignments?: FixtureAssignment[]; groups?: FixtureGroup[] }): RuleSet {
  const files = [
    ...(input.apps ?? []).map((rule) => ({ path: `apps/${rule.id}.json`, text: JSON.stringify({ kind: 'app', ...rule }) })),
    ...(input.groups ?? []).map((rule) => ({ path: `groups/${rule.id}.json`, text: JSON.stringify({ kind: 'group', ...rule }) })),
    ...(input.assignments ?? []).map((rule) => ({ path: `assignments/${rule.id}.json`, text: JSON.stringify({ kind: 'assignment', ...rule }) })),
  ];
  const { ruleSet, diagnostics } = compileRules(files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture rules do not compile: ${errors.map((d) => `${d.file}: ${d.code}: ${d.message}`).join('; ')}`);
  return ruleSet;
}

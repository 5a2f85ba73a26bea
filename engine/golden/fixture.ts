// Hand-built rule sets for unit tests of evaluate/plan/explain, over the real condition and
// expression compilers. Golden tests go through `compileRules` instead.
import { compileCondition } from '../conditions/index.ts';
import { compileExpression, toMapping } from '../expressions.ts';
import type {
  AppRule,
  AssignmentRule,
  CompiledApp,
  CompiledAssignment,
  CompiledGroup,
  CompiledMapping,
  Condition,
  GroupRule,
  RuleSet,
} from '../types.ts';

export type FixtureApp = Pick<AppRule, 'id' | 'name' | 'connector' | 'attributes' | 'deprovision' | 'owners'>;
export interface FixtureAssignment extends Omit<AssignmentRule, 'kind'> {
  kind?: 'assignment';
}
export interface FixtureGroup extends Omit<GroupRule, 'kind'> {
  kind?: 'group';
  dependsOn?: string[];
}

function mapping(name: string, expr: string, createOnly = false): CompiledMapping {
  const compiled = compileExpression(expr);
  if (!compiled.ok) throw new Error(`fixture expression \`${expr}\`: ${compiled.problem.message}`);
  return toMapping(name, compiled.value, createOnly);
}

/** A rule set as the compiler would give it: assignments by priority desc then id, groups as listed. */
export function fixtureRuleSet(input: { apps?: FixtureApp[]; assignments?: FixtureAssignment[]; groups?: FixtureGroup[]; version?: string }): RuleSet {
  const apps: Record<string, CompiledApp> = {};
  for (const app of input.apps ?? []) {
    const source: AppRule = { ...app, kind: 'app' };
    apps[app.id] = {
      id: app.id,
      file: `apps/${app.id}.yaml`,
      line: 1,
      source,
      mappings: Object.entries(app.attributes ?? {}).map(([name, m]) => mapping(name, m.expr, m.createOnly ?? false)),
      onUnassign: app.deprovision?.onUnassign ?? 'deactivate',
      ...(app.deprovision?.deleteAfterDays === undefined ? {} : { deleteAfterDays: app.deprovision.deleteAfterDays }),
    };
  }
  const assignments: CompiledAssignment[] = (input.assignments ?? []).map((rule) => ({
    id: rule.id,
    file: `assignments/${rule.id}.yaml`,
    line: 1,
    priority: rule.priority ?? 0,
    condition: compileCondition(rule.when as Condition),
    source: { ...rule, kind: 'assignment' },
    targets: rule.assign.map((target) => ({
      app: target.app,
      ...(target.role === undefined ? {} : { role: target.role }),
      mappings: Object.entries(target.attributes ?? {}).map(([name, expr]) => mapping(name, expr)),
    })),
  }));
  assignments.sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const groups: CompiledGroup[] = (input.groups ?? []).map(({ dependsOn, ...rule }) => ({
    id: rule.id,
    file: `groups/${rule.id}.yaml`,
    line: 1,
    priority: rule.priority ?? 0,
    condition: compileCondition(rule.when),
    source: { ...rule, kind: 'group' },
    dependsOn: dependsOn ?? [],
  }));
  return { version: input.version ?? 'v-test', apps, assignments, groups, settings: { kind: 'settings' } };
}

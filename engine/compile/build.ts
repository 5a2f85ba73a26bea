// Stage: checked rules → the RuleSet the evaluator runs, and its version.
import { compileCondition } from '../conditions/index.ts';
import { error } from '../diagnostics.ts';
import { toMapping } from '../expressions.ts';
import { hashJson } from '../hash.ts';
import { appKind } from '../rules/app.ts';
import { assignmentKind } from '../rules/assignment.ts';
import { overrideKind } from '../rules/override.ts';
import { passwordPolicyKind } from '../rules/password-policy.ts';
import { settingsKind } from '../rules/settings.ts';
import type {
  AppRule,
  AssignmentRule,
  CompiledApp,
  CompiledAssignment,
  CompiledGroup,
  CompiledMapping,
  CompiledPasswordPolicy,
  Diagnostic,
  GroupRule,
  ImportedGroup,
  OverrideRule,
  PasswordPolicyRule,
  RuleSet,
  SettingsRule,
} from '../types.ts';
import { compareStrings } from '../diagnostics.ts';
import type { OrderedGroup } from './groups.ts';
import type { Entry, ExpressionTable, StageOutput } from './model.ts';
import { where } from './model.ts';

/** Bumped when the meaning of compiled rules changes, so old versions never collide. */
const VERSION_FORMAT = 'roster.rules/1';

export function buildRuleSet(entries: Entry[], groups: OrderedGroup[], expressions: ExpressionTable, importedGroups: ImportedGroup[] = []): StageOutput<RuleSet> {
  const diagnostics: Diagnostic[] = [];
  const settings = (entries.find((e) => e.definition === settingsKind)?.rule as SettingsRule | undefined) ?? { kind: 'settings' };

  const apps: Record<string, CompiledApp> = {};
  for (const entry of sortById(entries.filter((e) => e.definition === appKind))) {
    const source = entry.rule as AppRule;
    const deleteAfterDays = source.deprovision?.deleteAfterDays ?? settings.deprovision?.deleteAfterDays;
    apps[entry.id] = {
      id: entry.id,
      file: entry.document.file,
      line: entry.document.line,
      source,
      mappings: Object.entries(source.attributes ?? {}).map(([name, mapping]) => mapping_(name, mapping.expr, mapping.createOnly ?? false, expressions)),
      onUnassign: source.deprovision?.onUnassign ?? settings.deprovision?.onUnassign ?? 'deactivate',
      ...(deleteAfterDays === undefined ? {} : { deleteAfterDays }),
    };
  }

  const assignments: CompiledAssignment[] = [];
  for (const entry of entries.filter((e) => e.definition === assignmentKind)) {
    const source = entry.rule as AssignmentRule;
    const condition = safely(() => compileCondition(source.when), entry, diagnostics);
    if (!condition) continue;
    assignments.push({
      id: entry.id,
      file: entry.document.file,
      line: entry.document.line,
      priority: source.priority ?? 0,
      condition,
      source,
      targets: source.assign.map((target) => ({
        app: target.app,
        ...(target.role === undefined ? {} : { role: target.role }),
        mappings: targetMappings(apps[target.app]?.mappings ?? [], target.attributes ?? {}, expressions),
      })),
    });
  }
  assignments.sort((a, b) => b.priority - a.priority || compareStrings(a.id, b.id));

  const compiledGroups: CompiledGroup[] = [];
  for (const { entry, dependsOn } of groups) {
    const source = entry.rule as GroupRule;
    const condition = safely(() => compileCondition(source.when), entry, diagnostics);
    if (!condition) continue;
    compiledGroups.push({ id: entry.id, file: entry.document.file, line: entry.document.line, priority: source.priority ?? 0, condition, source, dependsOn });
  }

  const passwordPolicies: CompiledPasswordPolicy[] = [];
  for (const entry of entries.filter((e) => e.definition === passwordPolicyKind)) {
    const source = entry.rule as PasswordPolicyRule;
    const when = source.when;
    const condition = when === undefined ? undefined : safely(() => compileCondition(when), entry, diagnostics);
    if (when !== undefined && !condition) continue;
    const policy: CompiledPasswordPolicy = { id: entry.id, file: entry.document.file, line: entry.document.line, priority: source.priority ?? 0, groups: source.groups ?? [], source };
    passwordPolicies.push(condition ? { ...policy, condition } : policy);
  }
  passwordPolicies.sort((a, b) => b.priority - a.priority || compareStrings(a.id, b.id));
  const overrides = sortById(entries.filter((e) => e.definition === overrideKind)).map((e) => e.rule as OverrideRule);

  const compiled = new Set<string>([
    ...Object.keys(apps).map((id) => `app:${id}`),
    ...assignments.map((a) => `assignment:${a.id}`),
    ...compiledGroups.map((g) => `group:${g.id}`),
    ...passwordPolicies.map((p) => `password-policy:${p.id}`),
    ...overrides.map((o) => `override:${o.id}`),
  ]);
  const versioned = entries
    .filter((e) => e.definition === settingsKind || compiled.has(`${e.definition.kind}:${e.id}`))
    .map((e) => ({ kind: e.definition.kind, id: e.id, rule: e.rule }))
    .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.id, b.id));
  const version = hashJson({ format: VERSION_FORMAT, rules: versioned });

  return { value: { version, apps, assignments, groups: compiledGroups, settings, passwordPolicies, overrides, importedGroups }, diagnostics };
}

/**
 * The effective mappings of one assignment target: the app's, with the assignment's own
 * expressions replacing those of the same name (keeping the app's `createOnly`) or added.
 */
function targetMappings(appMappings: CompiledMapping[], overrides: Record<string, string>, expressions: ExpressionTable): CompiledMapping[] {
  const byName = new Map(appMappings.map((m) => [m.name, m]));
  for (const [name, expr] of Object.entries(overrides)) byName.set(name, mapping_(name, expr, byName.get(name)?.createOnly ?? false, expressions));
  return [...byName.values()];
}

function mapping_(name: string, expr: string, createOnly: boolean, expressions: ExpressionTable): CompiledMapping {
  const compiled = expressions.get(expr);
  if (!compiled) {
    // Unreachable: the check stage compiled every expression of every rule that got here.
    return { name, expr, createOnly, evaluate: () => ({ ok: false, error: `expression \`${expr}\` was not compiled` }) };
  }
  return toMapping(name, compiled, createOnly);
}

function safely<T>(run: () => T, entry: Entry, diagnostics: Diagnostic[]): T | undefined {
  try {
    return run();
  } catch (caught) {
    const message = caught instanceof Error ? caught.message : String(caught);
    diagnostics.push(error('rule.compile-failed', `rule could not be compiled: ${message}`, where(entry.document, ['when'], entry.id)));
    return undefined;
  }
}

function sortById(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => compareStrings(a.id, b.id));
}

// The rule compiler: named pure stages, each adding diagnostics, none aborting.
//   parse → validate & normalise → check conditions and expressions → reject duplicates →
//   resolve references → detect role conflicts and group cycles → order and build.
// A rule with an error is reported and skipped; every other rule still compiles.
import { sortDiagnostics } from './diagnostics.ts';
import { compareStrings } from './diagnostics.ts';
import { buildRuleSet } from './compile/build.ts';
import { checkConditions, checkExpressions } from './compile/check.ts';
import { detectRoleConflicts } from './compile/conflicts.ts';
import { orderGroups } from './compile/groups.ts';
import { resolveImportedGroups } from './compile/imports.ts';
import type { Candidate, Entry, StageOutput } from './compile/model.ts';
import { rejectDuplicates, resolveReferences } from './compile/resolve.ts';
import { validateDocuments } from './compile/validate.ts';
import { parseSources } from './parse.ts';
import type { RawDocument } from './parse.ts';
import { groupKind } from './rules/group.ts';
import { settingsKind } from './rules/settings.ts';
import type { Diagnostic, RuleSet, SettingsRule, SourceFile } from './types.ts';

export interface CompileOutput {
  ruleSet: RuleSet;
  /** Errors and warnings from every stage, ordered by file, line and code. */
  diagnostics: Diagnostic[];
}

export function compileRules(files: SourceFile[]): CompileOutput {
  const diagnostics: Diagnostic[] = [];
  const broken = new Set<RawDocument>();
  const take = <T>(stage: StageOutput<T>): T => {
    diagnostics.push(...stage.diagnostics);
    for (const document of stage.broken ?? []) broken.add(document);
    return stage.value;
  };

  // Documents in file-path order, so which duplicate wins never depends on the input order.
  const parsed = parseSources([...files].sort((a, b) => compareStrings(a.path, b.path)));
  diagnostics.push(...parsed.diagnostics);
  const candidates = take(validateDocuments(parsed.documents));
  // The first settings document is the one kept (later ones are duplicates).
  const settings = candidates.find((c) => c.definition === settingsKind)?.rule as SettingsRule | undefined;
  take(checkConditions(candidates, settings?.attributes));
  const expressions = take(checkExpressions(candidates));
  take(rejectDuplicates(candidates));
  take(resolveReferences(candidates, new Set(broken)));

  const healthy = () => candidates.filter((c): c is Candidate & Pick<Entry, 'rule'> => c.rule !== undefined && !broken.has(c.document)).map(toEntry);
  const declaredGroups = new Set(candidates.filter((c) => c.definition === groupKind && c.id !== undefined).map((c) => c.id as string));
  const imported = take(resolveImportedGroups(healthy(), declaredGroups));
  const entries = healthy();
  take(detectRoleConflicts(entries));
  for (const group of imported) declaredGroups.add(group.groupId);
  const groups = take(orderGroups(entries, declaredGroups));
  const ruleSet = take(buildRuleSet(entries, groups, expressions, imported));
  return { ruleSet, diagnostics: sortDiagnostics(diagnostics) };
}

function toEntry(candidate: Candidate & Pick<Entry, 'rule'>): Entry {
  return { definition: candidate.definition, document: candidate.document, id: candidate.id ?? '', rule: candidate.rule };
}

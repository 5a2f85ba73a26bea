// The catalogue of diagnostic codes the rule compiler emits. Codes are stable: the CLI, the
// UI and users' CI scripts match on them, so a code is never renamed or reused.
// Condition codes (`condition.*`) come from engine/conditions and are passed through.
import type { Diagnostic } from './types.ts';

export const DIAGNOSTICS = {
  'yaml.syntax': 'a YAML file does not parse',
  'json.syntax': 'a JSON file does not parse',
  'rule.not-an-object': 'a document is not a mapping of fields',
  'rule.missing-kind': 'a document has no `kind`',
  'rule.unknown-kind': 'a document has a `kind` the engine does not know',
  'rule.unknown-key': 'a field the schema does not define (schemas are strict)',
  'rule.missing-field': 'a required field is absent',
  'rule.invalid-type': 'a field has a value of the wrong type',
  'rule.invalid-value': 'a field has a value outside its allowed set or range',
  'rule.invalid-id': 'an id is not a lowercase slug',
  'rule.duplicate-id': 'two rules of one kind share an id',
  'rule.duplicate-kind': 'more than one document of a kind that allows one (`settings`)',
  'rule.unknown-app': 'an assignment names an app no `app` rule defines',
  'rule.unknown-role': 'an assignment gives a role the app does not list in `roles`',
  'rule.unknown-group': 'a condition reads membership of a group no `group` rule defines (warning: groups may come from apps)',
  'rule.role-conflict': 'two assignment rules of equal priority give one app different roles',
  'rule.group-cycle': 'group rules whose conditions read each other in a cycle',
  'rule.undefined-group': 'a document names a group (outside conditions) that no group rule defines and no app imports',
  'rule.imported-group-conflict': 'a group rule defines a group an app imports: the app decides its members',
  'rule.duplicate-import': 'two apps (or one app twice) import the same Roster group',
  'rule.broken-dependency': 'a rule skipped because a rule it needs has errors (warning)',
  'rule.compile-failed': 'a rule passed its checks but could not be compiled (a bug: please report it)',
  'expr.syntax': 'an expression does not parse as CEL',
  'expr.type': 'an expression parses but cannot type-check (unknown variable, wrong operand types)',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTICS;

export interface Where {
  file?: string;
  line?: number;
  path?: (string | number)[];
  ruleId?: string;
}

/** An error diagnostic from the catalogue. */
export function error(code: DiagnosticCode, message: string, where: Where = {}): Diagnostic {
  return { code, severity: 'error', message, ...where };
}

/** A warning diagnostic from the catalogue: reported, but the rule still compiles. */
export function warning(code: DiagnosticCode, message: string, where: Where = {}): Diagnostic {
  return { code, severity: 'warning', message, ...where };
}

/** Orders diagnostics by file, line, then code, so output is stable whatever the input order. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareStrings(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
}

/** Code-unit order: the same on every runtime, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

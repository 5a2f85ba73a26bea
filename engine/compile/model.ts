// What flows between the compiler's stages.
import type { Where } from '../diagnostics.ts';
import type { CompiledExpression } from '../expressions.ts';
import type { DocPath, RawDocument } from '../parse.ts';
import type { RuleDocument, RuleKindDefinition } from '../rules/definition.ts';
import type { Diagnostic } from '../types.ts';

/** A document whose kind is known; `rule` is set when it passed its schema. */
export interface Candidate {
  definition: RuleKindDefinition;
  document: RawDocument;
  /** The `id` as written, when it is a string (for diagnostics even if invalid). */
  id?: string;
  rule?: RuleDocument;
  /** Schema issues inside condition fields, used only if engine/conditions finds none there. */
  conditionFallback?: Diagnostic[];
}

/** A rule that has passed every check so far. */
export interface Entry {
  definition: RuleKindDefinition;
  document: RawDocument;
  /** '' for a singleton without an id. */
  id: string;
  rule: RuleDocument;
}

export interface StageOutput<T> {
  value: T;
  diagnostics: Diagnostic[];
  /** Documents found broken by this stage: reported, and skipped from here on. */
  broken?: RawDocument[];
}

/** Compiled expressions by source text, filled by the check stage, read by the build stage. */
export type ExpressionTable = Map<string, CompiledExpression>;

/** Where a path of a document is, for a diagnostic. */
export function where(document: RawDocument, path: DocPath, ruleId: string | undefined): Where {
  return { file: document.file, line: document.lineOf(path), path, ...(ruleId ? { ruleId } : {}) };
}

export function location(document: RawDocument): string {
  return `${document.file}:${document.line}`;
}

export function hasErrors(diagnostics: Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

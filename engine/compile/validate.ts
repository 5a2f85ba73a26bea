// Stage: raw documents → candidates of a known kind, checked against the kind's strict schema
// and normalised (defaults filled, shorthands expanded).
import { error } from '../diagnostics.ts';
import type { RawDocument } from '../parse.ts';
import { ruleKind, ruleKinds } from '../rules/registry.ts';
import type { Diagnostic } from '../types.ts';
import { describeValue, formatPath, issuesToDiagnostics, nestedDeeperThan, valueAt } from './issues.ts';
import type { Candidate, StageOutput } from './model.ts';
import { where } from './model.ts';

/** Deeper than any rule needs (a condition tree of 60 levels is unreadable); beyond it a document is refused whole. */
export const MAX_DOCUMENT_DEPTH = 64;

export function validateDocuments(documents: RawDocument[]): StageOutput<Candidate[]> {
  const candidates: Candidate[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const document of documents) {
    const out = validateDocument(document);
    if (out.value) candidates.push(out.value);
    diagnostics.push(...out.diagnostics);
  }
  return { value: candidates, diagnostics };
}

function validateDocument(document: RawDocument): StageOutput<Candidate | undefined> {
  const value = document.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { value: undefined, diagnostics: [error('rule.not-an-object', `a rule document must be a mapping with a \`kind\`, got ${describeValue(value)}`, { file: document.file, line: document.line })] };
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'string' ? record.id : undefined;
  const known = ruleKinds().map((d) => `\`${d.kind}\``).join(', ');
  if (record.kind === undefined) {
    return { value: undefined, diagnostics: [error('rule.missing-kind', `document has no \`kind\`; expected one of ${known}`, where(document, [], id))] };
  }
  const definition = typeof record.kind === 'string' ? ruleKind(record.kind) : undefined;
  if (!definition) {
    return { value: undefined, diagnostics: [error('rule.unknown-kind', `unknown kind \`${String(record.kind)}\`; expected one of ${known}`, where(document, ['kind'], id))] };
  }

  // zod walks the document recursively: thousands of nested `not`s would overflow the stack.
  const tooDeep = nestedDeeperThan(value, MAX_DOCUMENT_DEPTH);
  if (tooDeep) {
    // The document's own line: finding the node's would parse the text again, as deep as it is.
    const at = { file: document.file, line: document.line, path: tooDeep, ...(id === undefined ? {} : { ruleId: id }) };
    return { value: undefined, diagnostics: [error('rule.invalid-value', `\`${formatPath(tooDeep.slice(0, 3))}…\` nests more than ${MAX_DOCUMENT_DEPTH} levels deep`, at)] };
  }
  const parsed = definition.schema.safeParse(value);
  const candidate: Candidate = { definition, document, ...(id === undefined ? {} : { id }) };
  if (parsed.success) return { value: { ...candidate, rule: definition.normalise(parsed.data) }, diagnostics: [] };

  // Conditions that are present are checked by engine/conditions, which says more precisely
  // what is wrong; the schema only reports them missing.
  const present = definition.conditionFields.filter((field) => valueAt(value, field) !== undefined);
  const inCondition = (path: PropertyKey[]) => present.some((field) => field.every((segment, i) => path[i] === segment));
  const locate = (d: Diagnostic): Diagnostic => ({ ...d, ...where(document, d.path ?? [], id) });
  const diagnostics = issuesToDiagnostics(parsed.error.issues.filter((issue) => !inCondition(issue.path)), value).map(locate);
  const conditionFallback = issuesToDiagnostics(parsed.error.issues.filter((issue) => inCondition(issue.path)), value).map(locate);
  return { value: { ...candidate, conditionFallback }, diagnostics };
}

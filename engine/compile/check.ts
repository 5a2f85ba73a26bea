// Stage: conditions (engine/conditions, against the declared attribute types) and CEL
// expressions. Every candidate is checked, even one its schema already rejected, so an
// author sees all problems at once.
import { checkCondition } from '../conditions/index.ts';
import { error } from '../diagnostics.ts';
import { compileExpression } from '../expressions.ts';
import type { AttributeType, Diagnostic } from '../types.ts';
import { valueAt } from './issues.ts';
import type { Candidate, ExpressionTable, StageOutput } from './model.ts';
import { where } from './model.ts';

export function checkConditions(candidates: Candidate[], attributes: Record<string, AttributeType> | undefined): StageOutput<null> {
  const diagnostics: Diagnostic[] = [];
  const broken: Candidate['document'][] = [];
  for (const candidate of candidates) {
    const { document, definition, id } = candidate;
    let conditionErrors = false;
    for (const field of definition.conditionFields) {
      const condition = valueAt(document.value, field);
      if (condition === undefined) continue;
      const found = checkCondition(condition, attributes ? { attributes } : {});
      for (const d of found) {
        const path = [...field, ...(d.path ?? [])];
        diagnostics.push({ ...d, ...where(document, path, id) });
        conditionErrors ||= d.severity === 'error';
      }
    }
    if (!conditionErrors) diagnostics.push(...(candidate.conditionFallback ?? []));
    if (conditionErrors) broken.push(document);
  }
  return { value: null, diagnostics, broken };
}

export function checkExpressions(candidates: Candidate[]): StageOutput<ExpressionTable> {
  const table: ExpressionTable = new Map();
  const diagnostics: Diagnostic[] = [];
  const broken: Candidate['document'][] = [];
  for (const { definition, document, id, rule } of candidates) {
    if (!rule) continue;
    for (const site of definition.expressions(rule)) {
      if (table.has(site.source)) continue;
      const compiled = compileExpression(site.source);
      if (compiled.ok) table.set(site.source, compiled.value);
      else {
        diagnostics.push(error(compiled.problem.code, compiled.problem.message, where(document, site.path, id)));
        broken.push(document);
      }
    }
  }
  return { value: table, diagnostics, broken };
}

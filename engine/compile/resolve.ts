// Stages: duplicate ids, then references between rules (assignment → app, role).
import { error, warning } from '../diagnostics.ts';
import type { RawDocument } from '../parse.ts';
import { appKind } from '../rules/app.ts';
import type { AppRule, Diagnostic } from '../types.ts';
import type { Candidate, StageOutput } from './model.ts';
import { location, where } from './model.ts';

/**
 * Two rules of one kind with one id: the first (by file path, then line) is kept, the later
 * ones are reported and skipped. A singleton kind keeps its first document only.
 */
export function rejectDuplicates(candidates: Candidate[]): StageOutput<null> {
  const diagnostics: Diagnostic[] = [];
  const broken: RawDocument[] = [];
  const first = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const { definition, document, id } = candidate;
    const key = definition.singleton ? definition.kind : id === undefined ? undefined : `${definition.kind}\u0000${id}`;
    if (key === undefined) continue;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, candidate);
      continue;
    }
    broken.push(document);
    diagnostics.push(
      definition.singleton
        ? error('rule.duplicate-kind', `only one \`${definition.kind}\` document is allowed; the first is at ${location(earlier.document)}`, where(document, ['kind'], id))
        : error('rule.duplicate-id', `duplicate ${definition.kind} id \`${id}\`; first defined at ${location(earlier.document)}`, where(document, ['id'], id)),
    );
  }
  return { value: null, diagnostics, broken };
}

/**
 * Every app a rule references must be defined, and a role must be one the app lists. Rules
 * already broken are checked too, so all problems show at once. A healthy rule naming an app
 * that is defined but broken is skipped with a warning: the app's own error says why.
 */
export function resolveReferences(candidates: Candidate[], broken: ReadonlySet<RawDocument>): StageOutput<null> {
  const apps = new Map<string, AppRule>();
  for (const c of candidates) if (c.definition === appKind && c.rule && c.id !== undefined && !broken.has(c.document) && !apps.has(c.id)) apps.set(c.id, c.rule as AppRule);
  const declared = new Set(candidates.filter((c) => c.definition === appKind && c.id !== undefined).map((c) => c.id));
  const known = [...apps.keys()].sort();

  const diagnostics: Diagnostic[] = [];
  const skipped: RawDocument[] = [];
  for (const { definition, document, id, rule } of candidates) {
    if (!rule) continue;
    let ok = true;
    for (const ref of definition.appReferences(rule)) {
      const app = apps.get(ref.app);
      if (!app && declared.has(ref.app)) {
        if (!broken.has(document)) diagnostics.push(warning('rule.broken-dependency', `skipped: app \`${ref.app}\` has errors`, where(document, [...ref.path, ref.field ?? 'app'], id)));
        ok = false;
      } else if (!app) {
        diagnostics.push(error('rule.unknown-app', `unknown app \`${ref.app}\`${suggest(ref.app, known)}`, where(document, [...ref.path, ref.field ?? 'app'], id)));
        ok = false;
      } else if (ref.role !== undefined && app.roles !== undefined && !app.roles.includes(ref.role)) {
        const roles = app.roles.map((r) => `\`${r}\``).join(', ');
        diagnostics.push(error('rule.unknown-role', `app \`${ref.app}\` has no role \`${ref.role}\`; its roles are ${roles || 'none'}`, where(document, [...ref.path, 'role'], id)));
        ok = false;
      }
    }
    if (!ok) skipped.push(document);
  }
  return { value: null, diagnostics, broken: skipped };
}

function suggest(name: string, known: string[]): string {
  if (known.length === 0) return '; no apps are defined';
  const close = known.filter((k) => k.includes(name) || name.includes(k) || editDistance(k, name) <= 2);
  return close.length > 0 ? `; did you mean ${close.map((k) => `\`${k}\``).join(' or ')}?` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// Stage: two assignment rules of equal priority that give one app different roles.
//
// Whether two conditions can both match is undecidable in general, so the check is
// conservative: a pair is reported unless its conditions are *provably disjoint*, which here
// means both rules require `equal` on the same fact (and `path`) with different literal
// values — each as a leaf directly under the condition's top-level `all`, or as the top-level
// leaf itself. Rules that leave the role unset are never in conflict (the app's default role).
// Both rules stay in the rule set (the evaluator breaks the tie by id): skipping them would
// deprovision everyone they grant, which is worse than the ambiguity being reported.
import { error } from '../diagnostics.ts';
import { canonicalJson } from '../hash.ts';
import { assignmentKind } from '../rules/assignment.ts';
import type { AssignmentRule, Condition, Diagnostic, LeafCondition } from '../types.ts';
import type { Entry, StageOutput } from './model.ts';
import { location, where } from './model.ts';

interface Grant {
  entry: Entry;
  rule: AssignmentRule;
  index: number;
  role: string;
}

export function detectRoleConflicts(entries: Entry[]): StageOutput<null> {
  const buckets = new Map<string, Grant[]>();
  for (const entry of entries) {
    if (entry.definition !== assignmentKind) continue;
    const rule = entry.rule as AssignmentRule;
    rule.assign.forEach((target, index) => {
      if (target.role === undefined) return;
      const key = canonicalJson([rule.priority ?? 0, target.app]);
      const bucket = buckets.get(key) ?? [];
      bucket.push({ entry, rule, index, role: target.role });
      buckets.set(key, bucket);
    });
  }
  const diagnostics: Diagnostic[] = [];
  for (const grants of buckets.values()) {
    for (let j = 1; j < grants.length; j++) {
      const later = grants[j]!;
      for (let i = 0; i < j; i++) {
        const earlier = grants[i]!;
        if (earlier.role === later.role) continue;
        const app = later.rule.assign[later.index]!.app;
        const at = where(later.entry.document, ['assign', later.index, 'role'], later.entry.id);
        if (earlier.entry === later.entry) {
          diagnostics.push(error('rule.role-conflict', `assignment \`${later.entry.id}\` gives app \`${app}\` two roles, \`${earlier.role}\` and \`${later.role}\``, at));
          continue;
        }
        if (provablyDisjoint(earlier.rule.when, later.rule.when)) continue;
        diagnostics.push(
          error(
            'rule.role-conflict',
            `assignment \`${later.entry.id}\` gives app \`${app}\` role \`${later.role}\` but \`${earlier.entry.id}\` (${location(earlier.entry.document)}) gives role \`${earlier.role}\` at the same priority ${later.rule.priority ?? 0}; give one a higher priority or make their conditions exclusive`,
            at,
          ),
        );
      }
    }
  }
  return { value: null, diagnostics };
}

/** Both conditions require `fact == v` for the same fact and different values `v`. */
export function provablyDisjoint(a: Condition, b: Condition): boolean {
  const required = requiredEqualities(a);
  return requiredEqualities(b).some((eb) => required.some((ea) => ea.fact === eb.fact && ea.value !== eb.value));
}

function requiredEqualities(condition: Condition): { fact: string; value: string }[] {
  const leaves: Condition[] = 'all' in condition ? condition.all : 'fact' in condition ? [condition] : [];
  return leaves
    .filter((leaf): leaf is LeafCondition => 'fact' in leaf && leaf.operator === 'equal' && !isFactRef(leaf.value))
    .map((leaf) => ({ fact: canonicalJson([leaf.fact, leaf.path ?? null]), value: canonicalJson(leaf.value) }));
}

function isFactRef(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'fact' in value;
}

// Stage: group rules read each other through the derived fact `groups`. Find who reads whom,
// report cycles (and reads of groups nobody defines), and order groups dependencies first.
import { error, warning } from '../diagnostics.ts';
import type { DocPath } from '../parse.ts';
import { groupKind } from '../rules/group.ts';
import type { Condition, Diagnostic } from '../types.ts';
import type { Entry, StageOutput } from './model.ts';
import { where } from './model.ts';

export const GROUPS_FACT = 'groups';

export interface OrderedGroup {
  entry: Entry;
  dependsOn: string[];
}

/** Group ids a condition names in leaves over the `groups` fact, with where each is. */
export function groupReferences(condition: Condition, path: DocPath = []): { group: string; path: DocPath }[] {
  if ('all' in condition) return condition.all.flatMap((child, i) => groupReferences(child, [...path, 'all', i]));
  if ('any' in condition) return condition.any.flatMap((child, i) => groupReferences(child, [...path, 'any', i]));
  if ('not' in condition) return groupReferences(condition.not, [...path, 'not']);
  if (condition.fact !== GROUPS_FACT) return [];
  const value = condition.value;
  if (typeof value === 'string') return [{ group: value, path: [...path, 'value'] }];
  if (Array.isArray(value)) return value.flatMap((item, i) => (typeof item === 'string' ? [{ group: item, path: [...path, 'value', i] }] : []));
  return [];
}

/**
 * `declared` holds every group id written in any group document, broken or not, so a rule
 * reading a broken group is not also told the group is unknown.
 */
export function orderGroups(entries: Entry[], declared: Set<string>): StageOutput<OrderedGroup[]> {
  const diagnostics: Diagnostic[] = [];
  const groups = entries.filter((entry) => entry.definition === groupKind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = new Set(groups.map((g) => g.id));

  for (const entry of entries) {
    for (const site of entry.definition.conditions(entry.rule)) {
      for (const ref of groupReferences(site.condition, site.path)) {
        if (!declared.has(ref.group)) {
          diagnostics.push(warning('rule.unknown-group', `no group rule defines group \`${ref.group}\``, where(entry.document, ref.path, entry.id)));
        }
      }
    }
  }

  const edges = new Map<string, string[]>();
  for (const group of groups) {
    const reads = group.definition.conditions(group.rule).flatMap((site) => groupReferences(site.condition).map((ref) => ref.group));
    edges.set(group.id, [...new Set(reads.filter((id) => ids.has(id)))].sort());
  }

  const cyclic = new Set<string>();
  for (const component of stronglyConnected([...ids], edges)) {
    const start = component[0]!;
    const selfLoop = edges.get(start)?.includes(start) ?? false;
    if (component.length < 2 && !selfLoop) continue;
    component.forEach((id) => cyclic.add(id));
    const entry = groups.find((g) => g.id === start)!;
    const cycle = cyclePath(start, new Set(component), edges);
    diagnostics.push(
      error('rule.group-cycle', `groups read each other in a cycle: \`${cycle.join(' -> ')}\`; none of ${component.map((id) => `\`${id}\``).join(', ')} is evaluated`, where(entry.document, ['when'], start)),
    );
  }

  // Kahn's algorithm, always taking the smallest ready id: dependencies first, then by id.
  const remaining = groups.filter((g) => !cyclic.has(g.id));
  const placed = new Set<string>();
  const ordered: OrderedGroup[] = [];
  while (remaining.length > 0) {
    const index = remaining.findIndex((g) => (edges.get(g.id) ?? []).every((dep) => placed.has(dep) || cyclic.has(dep)));
    if (index < 0) break;
    const [group] = remaining.splice(index, 1);
    placed.add(group!.id);
    ordered.push({ entry: group!, dependsOn: (edges.get(group!.id) ?? []).filter((dep) => !cyclic.has(dep)) });
  }
  return { value: ordered, diagnostics };
}

/** Tarjan's algorithm; each component's ids sorted. */
function stronglyConnected(nodes: string[], edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

/** A shortest path from `start` back to itself inside one component: `a -> b -> a`. */
function cyclePath(start: string, component: Set<string>, edges: Map<string, string[]>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of edges.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

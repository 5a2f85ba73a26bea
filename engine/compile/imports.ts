// Stage: groups imported from apps (group sync) and group ids named outside conditions.
// An imported group's members come from the app, so no group rule may define the same id; a
// password policy's `groups` must each be a group some rule defines or some app imports.
import { error } from '../diagnostics.ts';
import type { RawDocument } from '../parse.ts';
import { appKind } from '../rules/app.ts';
import { groupKind } from '../rules/group.ts';
import type { AppRule, Diagnostic, ImportedGroup } from '../types.ts';
import type { Entry, StageOutput } from './model.ts';
import { location, where } from './model.ts';

export function resolveImportedGroups(entries: Entry[], declaredGroups: ReadonlySet<string>): StageOutput<ImportedGroup[]> {
  const diagnostics: Diagnostic[] = [];
  const broken: RawDocument[] = [];
  const imported = new Map<string, { group: ImportedGroup; entry: Entry }>();
  const apps = entries.filter((e) => e.definition === appKind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const entry of apps) {
    ((entry.rule as AppRule).importGroups ?? []).forEach((mapping, i) => {
      const earlier = imported.get(mapping.group);
      if (earlier) {
        diagnostics.push(
          error('rule.duplicate-import', `group \`${mapping.group}\` is already imported from app \`${earlier.group.appId}\` (${location(earlier.entry.document)}); a group has one source`, where(entry.document, ['importGroups', i, 'group'], entry.id)),
        );
        return;
      }
      imported.set(mapping.group, { group: { groupId: mapping.group, appId: entry.id, appGroup: mapping.appGroup }, entry });
    });
  }

  for (const entry of entries) {
    if (entry.definition === groupKind && imported.has(entry.id)) {
      const source = imported.get(entry.id)!;
      diagnostics.push(
        error('rule.imported-group-conflict', `group \`${entry.id}\` is imported from app \`${source.group.appId}\` (${location(source.entry.document)}), which decides its members; remove this rule or the import`, where(entry.document, ['id'], entry.id)),
      );
      broken.push(entry.document);
      continue;
    }
    for (const ref of entry.definition.groupReferences?.(entry.rule) ?? []) {
      if (declaredGroups.has(ref.group) || imported.has(ref.group)) continue;
      diagnostics.push(error('rule.undefined-group', `no group rule defines group \`${ref.group}\` and no app imports it`, where(entry.document, ref.path, entry.id)));
      if (!broken.includes(entry.document)) broken.push(entry.document);
    }
  }
  const groups = [...imported.values()].map((v) => v.group).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  return { value: groups, diagnostics, broken };
}

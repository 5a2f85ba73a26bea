// A rule diff for people (markdown, ready to paste as a pull-request comment) and for machines
// (JSON). The markdown keeps to GitHub's comment size: past `limit` per-user lines it says how
// many more there are and where to get them.
import type { Action, Diagnostic, Json } from '../../engine/types.ts';
import type { ActionChange, RuleSetDiff, SummaryRow } from './diff.ts';
import { actionTarget } from './diff.ts';
import { formatDiagnostic, plural } from './format.ts';

/** Where each side came from, as the reader should see it. */
export interface DiffLabels {
  /** The git revision as typed, and the commit it resolved to. */
  base: { revision: string; commit?: string };
  head: { label: string };
  rulesDir: string;
}

export const DEFAULT_DETAIL_LIMIT = 300;

const SIGN: Record<ActionChange['kind'], string> = { added: '+', removed: '-', changed: '~' };

/** `+12 account.create github, -3 account.deactivate slack, ~1 account.update jira`. */
export function headline(summary: readonly SummaryRow[]): string {
  const parts: string[] = [];
  for (const row of summary) {
    if (row.added > 0) parts.push(`+${row.added} ${row.type} ${row.target}`);
    if (row.removed > 0) parts.push(`-${row.removed} ${row.type} ${row.target}`);
    if (row.changed > 0) parts.push(`~${row.changed} ${row.type} ${row.target}`);
  }
  return parts.length === 0 ? 'no change: both rule sets plan the same actions' : parts.join(', ');
}

export function renderMarkdown(diff: RuleSetDiff, labels: DiffLabels, compileDiagnostics: readonly Diagnostic[] = [], limit = DEFAULT_DETAIL_LIMIT): string {
  const short = (v: string): string => v.slice(0, 12);
  const commit = labels.base.commit === undefined ? '' : ` (${labels.base.commit.slice(0, 12)})`;
  const lines: string[] = [
    `### Roster rule diff: \`${labels.rulesDir}\` at \`${labels.base.revision}\`${commit} → ${labels.head.label}`,
    '',
    `Rule-set versions: base \`${short(diff.base.version)}\` → head \`${short(diff.head.version)}\` · ${plural(diff.users, 'user')} · as of \`${diff.asOf}\``,
    `Actions: ${diff.base.actions} → ${diff.head.actions} (${diff.unchanged} unchanged)`,
    '',
    `**${headline(diff.summary)}**`,
  ];
  // A plan the safety gates hold is news for the reviewer whichever side it is on.
  for (const [side, words] of [[diff.head, 'the new rules'], [diff.base, 'the old rules']] as const) {
    if (!side.held && side.holds.length === 0) continue;
    lines.push('', `> **${side.held ? `The plan of ${words} would be held for approval` : `The plan of ${words} refuses actions`}:**`);
    for (const reason of side.holds) lines.push(`> - ${reason}`);
  }
  if (diff.summary.length > 0) {
    lines.push('', '| Target | Action | Added | Removed | Changed |', '| --- | --- | ---: | ---: | ---: |');
    for (const row of diff.summary) lines.push(`| ${cell(row.target)} | ${row.type} | ${row.added} | ${row.removed} | ${row.changed} |`);
    const total = (k: 'added' | 'removed' | 'changed'): number => diff.summary.reduce((n, r) => n + r[k], 0);
    lines.push(`| **total** | | **${total('added')}** | **${total('removed')}** | **${total('changed')}** |`);
  }
  if (diff.changes.length > 0) {
    const shown = limit > 0 ? diff.changes.slice(0, limit) : diff.changes;
    lines.push('', `<details><summary>${plural(diff.changes.length, 'change')} by user</summary>`, '');
    for (const change of shown) lines.push(`- ${changeLine(change)}`);
    const more = diff.changes.length - shown.length;
    if (more > 0) lines.push(`- … and ${more} more (\`--format json\` lists them all)`);
    lines.push('', '</details>');
  }
  const diagnostics = [...compileDiagnostics, ...diff.diagnostics];
  if (diagnostics.length > 0) {
    lines.push('', `**Diagnostics in the new rules** (${diagnostics.length})`, '');
    for (const d of diagnostics) lines.push(`- \`${formatDiagnostic(d).replace(/`/g, "'")}\``);
  }
  return lines.join('\n');
}

/** `` `e1001` + account.create `github` as `developer` — rule `eng-github`: why ``. */
export function changeLine(change: ActionChange): string {
  const who = change.userId ?? (change.groupId === undefined ? '' : `group ${change.groupId}`);
  const target = actionTarget(change);
  const action = (change.after ?? change.before) as Action;
  const role = change.kind !== 'changed' && action.role !== undefined ? ` as \`${action.role}\`` : '';
  const when = change.kind !== 'changed' && action.notBefore !== undefined ? ` not before \`${action.notBefore}\`` : '';
  const what = change.kind === 'changed' && change.before && change.after ? `: ${describeDifference(change.before, change.after)}` : '';
  const rules = change.rules.length === 0 ? '' : ` — ${change.rules.length === 1 ? 'rule' : 'rules'} ${change.rules.map((r) => `\`${r}\``).join(', ')}`;
  const why = change.kind === 'removed' ? `no longer planned (was: ${change.summary})` : change.summary;
  return `\`${who}\` **${SIGN[change.kind]}** ${change.type} \`${target}\`${role}${when}${what}${rules}: ${why}`;
}

/** What differs between two actions of the same type and subject, field by field. */
export function describeDifference(before: Action, after: Action): string {
  const parts: string[] = [];
  const show = (v: unknown): string => (v === undefined ? 'none' : `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``);
  if (before.role !== after.role) parts.push(`role ${show(before.role)} → ${show(after.role)}`);
  if (before.notBefore !== after.notBefore) parts.push(`not before ${show(before.notBefore)} → ${show(after.notBefore)}`);
  for (const field of ['attributes', 'changes'] as const) {
    const a = (before[field] ?? {}) as Record<string, Json>;
    const b = (after[field] ?? {}) as Record<string, Json>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) parts.push(`${field === 'attributes' ? '' : 'change '}\`${key}\` ${show(a[key])} → ${show(b[key])}`);
    }
  }
  return parts.length === 0 ? 'same values, other id' : parts.join(', ');
}

/** `{base: {version}, head: {version}, summary, changes, …}`. */
export function renderJson(diff: RuleSetDiff, labels: DiffLabels, compileDiagnostics: readonly Diagnostic[] = []): string {
  return JSON.stringify(
    {
      base: { ...diff.base, revision: labels.base.revision, commit: labels.base.commit },
      head: { ...diff.head, label: labels.head.label },
      rules: labels.rulesDir,
      asOf: diff.asOf,
      users: diff.users,
      unchanged: diff.unchanged,
      headline: headline(diff.summary),
      summary: diff.summary,
      changes: diff.changes,
      diagnostics: [...compileDiagnostics, ...diff.diagnostics],
    },
    null,
    2,
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

// Text output for people: diagnostics as `file:line: code: message`, and aligned tables.
import type { Diagnostic } from '../../engine/types.ts';

/** `rules/apps/github.yaml:4: rule.unknown-app: … (rule \`eng-github\`)`; warnings say so. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file === undefined ? '' : d.line === undefined ? `${d.file}: ` : `${d.file}:${d.line}: `;
  const severity = d.severity === 'warning' ? 'warning: ' : '';
  const rule = d.ruleId === undefined ? '' : ` (rule \`${d.ruleId}\`)`;
  return `${where}${d.code}: ${severity}${d.message}${rule}`;
}

export function countBySeverity(diagnostics: Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Left-aligned columns separated by two spaces; numeric columns (by flag) right-aligned. */
export function table(header: string[], rows: string[][], numeric: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

// Small pure helpers that turn API rows into chart bars and counts.
import type { Bar } from '../components/bar.ts';

/** Stacked bars: one bar per `group`, parts per `part`, in first-seen order of groups. */
export function stacked<T>(rows: readonly T[], group: (row: T) => string, part: (row: T) => string, value: (row: T) => number = () => 1): Bar[] {
  const bars = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const g = group(row);
    const parts = bars.get(g) ?? new Map<string, number>();
    parts.set(part(row), (parts.get(part(row)) ?? 0) + value(row));
    bars.set(g, parts);
  }
  return [...bars.entries()].map(([label, parts]) => ({
    label,
    value: [...parts.values()].reduce((a, b) => a + b, 0),
    parts: [...parts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([l, v]) => ({ label: l, value: v })),
  }));
}

/** Rows of a report whose shape we only partly know: the app id and a count. */
export function accountsPerApp(rows: readonly Record<string, unknown>[]): Bar[] {
  return rows.map((row) => {
    const label = String(row.appId ?? row.app ?? row.id ?? '?');
    const numeric = Object.entries(row).filter(([k, v]) => typeof v === 'number' && k !== 'version');
    const total = (row.total ?? row.accounts ?? row.count) as number | undefined;
    const parts = numeric.filter(([k]) => !['total', 'accounts', 'count', 'licenses', 'licensed'].includes(k)).map(([k, v]) => ({ label: k, value: v as number }));
    const value = typeof total === 'number' ? total : parts.reduce((a, p) => a + p.value, 0);
    return { label, value, parts: parts.length > 1 ? parts : undefined } as Bar;
  });
}

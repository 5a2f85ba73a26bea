// RFC 4180 CSV for report downloads. Cells that a spreadsheet would run as a formula
// (leading = + - @ tab CR) are prefixed with `'`, so exporting user data cannot inject one.
import type { Context } from 'hono';

export type CsvCell = string | number | boolean | null | undefined;

function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvCell>[]): string {
  const lines = [columns.map(cell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** `?format=csv`, or an Accept header that weighs text/csv above JSON (RFC 9110 12.5.1). */
export function wantsCsv(c: Context): boolean {
  const format = c.req.query('format');
  if (format !== undefined) return format.toLowerCase() === 'csv';
  const weights = acceptWeights(c.req.header('accept') ?? '');
  const csv = weights.get('text/csv') ?? 0;
  return csv > 0 && csv > Math.max(weights.get('application/json') ?? 0, weights.get('*/*') ?? 0, weights.get('application/*') ?? 0);
}

/** Each media range of an Accept header with its weight (`q`, 1 when not given). */
function acceptWeights(accept: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (!range) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(range, Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 1) : 0);
  }
  return weights;
}

/**
 * The rows as a CSV download. It starts with a UTF-8 byte order mark: without one, Excel reads
 * the file as the machine's legacy code page and garbles every name outside ASCII.
 */
export function csvResponse(c: Context, name: string, columns: readonly string[], rows: readonly Record<string, CsvCell>[]): Response {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return c.body(`\uFEFF${toCsv(columns, rows)}`, 200);
}

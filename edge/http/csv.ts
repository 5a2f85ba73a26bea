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

/** `?format=csv`, or an Accept header that prefers text/csv. */
export function wantsCsv(c: Context): boolean {
  const format = c.req.query('format');
  if (format !== undefined) return format.toLowerCase() === 'csv';
  return /\btext\/csv\b/i.test(c.req.header('accept') ?? '');
}

export function csvResponse(c: Context, name: string, columns: readonly string[], rows: readonly Record<string, CsvCell>[]): Response {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
  return c.body(toCsv(columns, rows), 200);
}

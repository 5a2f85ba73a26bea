// HR files as raw records with their line: CSV with a header row (`a.b` columns nest) or a
// JSON array of objects. Nothing is checked here but the file's shape; `validate.ts` checks
// each record. A malformed file is one error naming its line, never a thrown exception.
import { parse as parseCsv } from 'csv-parse/sync';
import type { AttributeType } from '../../engine/types.ts';

export type ImportFormat = 'csv' | 'json';

export interface RawRecord {
  /** 1-based line where the record starts in the file. */
  line: number;
  value: unknown;
}

export interface RecordError {
  line: number;
  /** The record's id, when it has one. */
  id?: string;
  message: string;
}

export type ParsedFile = { ok: true; records: RawRecord[] } | { ok: false; error: RecordError };

/** `.csv` by name, else by the first non-blank character (`[` means JSON). */
export function detectFormat(text: string, fileName?: string): ImportFormat {
  if (fileName && /\.csv$/i.test(fileName)) return 'csv';
  if (fileName && /\.json$/i.test(fileName)) return 'json';
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0];
  return first === '[' || first === '{' ? 'json' : 'csv';
}

export function parseRecords(text: string, format: ImportFormat, types: Record<string, AttributeType> = {}): ParsedFile {
  return format === 'csv' ? parseCsvRecords(text, types) : parseJsonRecords(text);
}

function parseCsvRecords(text: string, types: Record<string, AttributeType>): ParsedFile {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    const err = error as Error & { lines?: number };
    const reason = err.message.replace(/\s*(at|on) line \d+\s*$/, '').replace(/^[A-Z][\w ]+: /, '');
    return { ok: false, error: { line: err.lines ?? 1, message: `malformed csv: ${lowerFirst(reason)}` } };
  }
  if (rows.length === 0) return { ok: false, error: { line: 1, message: 'file has no records' } };
  return { ok: true, records: rows.map(({ record, info }) => ({ line: info.lines, value: csvRecord(record, types) })) };
}

/** Empty cells are absent; `a.b` columns build nested objects; numbers and booleans by declared type. */
function csvRecord(record: Record<string, string>, types: Record<string, AttributeType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '') continue;
    const keys = column.split('.');
    let target = out;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      target = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : (target[key] = {});
    }
    target[keys[keys.length - 1] as string] = coerce(cell, types[column]);
  }
  return out;
}

/** A cell that does not fit its type stays a string: validation reports it with its line. */
function coerce(cell: string, type: AttributeType | undefined): unknown {
  if (type === 'number' && cell.trim() !== '' && !Number.isNaN(Number(cell))) return Number(cell);
  if (type === 'boolean' && (cell === 'true' || cell === 'false')) return cell === 'true';
  if (type === 'string[]') return cell.split(';').map((part) => part.trim()).filter((part) => part !== '');
  return cell;
}

function parseJsonRecords(text: string): ParsedFile {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? 1 : lineAt(text, Number(position));
    return { ok: false, error: { line, message: `malformed json: ${lowerFirst(message.split('\n')[0] ?? message)}` } };
  }
  const items = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.workers) ? data.workers : undefined;
  if (!items) return { ok: false, error: { line: 1, message: 'json file must be an array of workers (or `{"workers": [...]}`)' } };
  if (items.length === 0) return { ok: false, error: { line: 1, message: 'file has no records' } };
  const lines = objectLines(text, items.length);
  return { ok: true, records: items.map((value, index) => ({ line: lines[index] ?? 1, value })) };
}

/**
 * The line of each top-level element of the (first) array, found by one scan that tracks
 * strings and depth. JSON.parse succeeded, so the text is well formed.
 */
function objectLines(text: string, count: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let arrayDepth = -1;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expectElement && depth === arrayDepth) {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (c === '[' && arrayDepth < 0 && depth <= 2) {
        arrayDepth = depth;
        expectElement = true;
      }
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === arrayDepth) expectElement = true;
  }
  return lines;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

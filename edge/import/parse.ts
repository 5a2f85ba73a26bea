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
  let rows: { record: string[]; info: { bytes: number } }[];
  try {
    // Arrays, not `columns: true`: the header is checked here (a column twice, `a` beside `a.b`,
    // `__proto__`), and each record's `bytes` gives the line it starts on (csv-parse's own line
    // count runs ahead after a quoted CRLF). Any line ending ends a record: csv-parse otherwise
    // takes the first one it sees for the whole file, and a CRLF file with LF lines appended by a
    // script reads as one long record.
    rows = parseCsv(text, { info: true, skip_empty_lines: true, trim: true, bom: true, record_delimiter: ['\r\n', '\n', '\r'] }) as unknown as typeof rows;
  } catch (error) {
    const err = error as Error & { lines?: number; code?: string; record?: unknown[] };
    const reason =
      err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && Array.isArray(err.record)
        ? `record has ${err.record.length} fields, the header ${/expect (\d+)/.exec(err.message)?.[1] ?? 'a different number'}`
        : lowerFirst(err.message.replace(/\s*(at|on) line \d+\s*$/, '').replace(/^[A-Z][\w ]+: /, ''));
    return { ok: false, error: { line: err.lines ?? 1, message: `malformed csv: ${reason}` } };
  }
  const [header, ...records] = rows;
  if (!header) return { ok: false, error: { line: 1, message: 'file has no records' } };
  const lines = recordLines(text, rows.map((row) => row.info.bytes));
  const problems = columnProblems(header.record);
  if (problems.length > 0) return { ok: false, error: { line: lines[0] ?? 1, message: problems.join('; ') } };
  if (records.length === 0) return { ok: false, error: { line: 1, message: 'file has no records' } };
  // An export's empty trailing columns are fine until a record puts a value in one.
  const nameless = header.record.flatMap((name, i) => (name === '' ? [i] : []));
  for (const [index, { record }] of nameless.length > 0 ? records.entries() : []) {
    const column = nameless.find((i) => (record[i] ?? '') !== '');
    if (column !== undefined) return { ok: false, error: { line: lines[index + 1] ?? 1, message: `column ${column + 1} has no name in the header but holds \`${oneLine(record[column] ?? '')}\`` } };
  }
  const columns = header.record.map((name) => name.split('.'));
  const typeOf = header.record.map((name) => types[name]);
  return { ok: true, records: records.map(({ record }, index) => ({ line: lines[index + 1] ?? 1, value: csvRecord(columns, record, typeOf) })) };
}

/** Names an attribute may not have: they would reach Object.prototype, not the record. */
export const RESERVED = new Set(['__proto__', 'prototype', 'constructor']);

/** Every problem with a header row, each naming the column. */
export function columnProblems(names: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    const shown = oneLine(name);
    const at = `column ${index + 1}`;
    if (name === '') return; // an export's trailing empty columns: refused only where a record fills one
    const parts = name.split('.');
    if (parts.includes('')) problems.push(`${at} \`${shown}\` has an empty part between dots`);
    const reserved = parts.find((part) => RESERVED.has(part));
    if (reserved) problems.push(`${at} \`${shown}\` uses the reserved name \`${reserved}\``);
    const first = seen.get(name);
    if (first !== undefined) problems.push(`column \`${shown}\` appears twice (columns ${first + 1} and ${index + 1})`);
    else seen.set(name, index);
  });
  for (const name of seen.keys()) {
    const nested = names.find((other) => other.startsWith(`${name}.`));
    if (nested) problems.push(`column \`${oneLine(name)}\` holds a value and \`${oneLine(nested)}\` makes it an object: keep one`);
  }
  return problems;
}

/**
 * The 1-based line each row starts on, from the byte offsets where csv-parse ended each: a row
 * starts after the previous one and any blank lines.
 */
function recordLines(text: string, ends: readonly number[]): number[] {
  const bytes = new TextEncoder().encode(text);
  const blank = (b: number | undefined) => b === 10 || b === 13 || b === 32 || b === 9;
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  let start = 0;
  for (const end of ends) {
    while (start < end && blank(bytes[start])) start++;
    for (; pos < start; pos++) if (bytes[pos] === 10 || (bytes[pos] === 13 && bytes[pos + 1] !== 10)) line++;
    lines.push(line);
    start = end;
  }
  return lines;
}

/** Empty cells are absent; `a.b` columns build nested objects; numbers and booleans by declared type. */
function csvRecord(columns: readonly string[][], cells: readonly string[], types: readonly (AttributeType | undefined)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((keys, index) => {
    const cell = cells[index] ?? '';
    if (cell === '' || keys[0] === '') return;
    let target = out;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      target = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : (target[key] = {});
    }
    target[keys[keys.length - 1] as string] = coerce(cell, types[index]);
  });
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
 * The line of each element of the workers array (the top-level array, or the one under
 * `workers`), found by one scan that tracks strings and depth. JSON.parse succeeded, so the
 * text is well formed.
 */
function objectLines(text: string, count: number): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let arrayDepth = -1;
  let stringStart = -1;
  /** The last string closed at depth 1: in an object, the key of the value that follows. */
  let key = '';
  let expectElement = false;
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (stringStart >= 0) {
      if (c === '\\') i++;
      else if (c === '"') {
        if (depth === 1) key = text.slice(stringStart + 1, i);
        stringStart = -1;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') continue;
    if (expectElement && depth === arrayDepth) {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') stringStart = i;
    else if (c === '[' || c === '{') {
      depth++;
      if (c === '[' && arrayDepth < 0 && (depth === 1 || (depth === 2 && key === 'workers'))) {
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

/** The path of the first key in `value` that is a reserved name (JSON.parse keeps `__proto__` as a key). */
export function reservedKey(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = reservedKey(item, path);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const here = path === '' ? key : `${path}.${key}`;
      const found = RESERVED.has(key) ? here : reservedKey(item, here);
      if (found) return found;
    }
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A user's text inside a one-line message: controls escaped, at most 80 characters. */
function oneLine(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 80 ? `${escaped.slice(0, 77)}...` : escaped;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

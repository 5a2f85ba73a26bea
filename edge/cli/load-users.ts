// Users files: a JSON array of profiles, or CSV with a header row. Every problem is one
// CliError line naming the file and line; nothing here reaches the engine unchecked.
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { USER_STATUSES } from '../../engine/types.ts';
import type { AttributeType, User } from '../../engine/types.ts';
import { columnProblems } from '../import/parse.ts';
import { decodeUtf8 } from '../import/utf8.ts';
import { CliError } from './command.ts';
import { arrayItemLines, parseJsonFile } from './parse-json.ts';

export type AttributeTypes = Record<string, AttributeType>;

/**
 * Reads `path` (relative to `cwd`) as UTF-8; errors name the path as the user typed it. Bytes that
 * are not UTF-8 (a Latin-1 or UTF-16 export) are refused with their line, not turned into `�`.
 */
export function readInputFile(path: string, what: string, cwd = '.'): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(cwd, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} file \`${path}\` does not exist`);
    if (code === 'EISDIR') throw new CliError(`${what} file \`${path}\` is a directory`);
    throw new CliError(`cannot read ${what} file \`${path}\`: ${code ?? 'unknown error'}`);
  }
  let decoded: ReturnType<typeof decodeUtf8>;
  try {
    decoded = decodeUtf8(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${what} file \`${path}\` (${Math.round(bytes.length / 2 ** 20)} MiB): ${code ?? (error as Error).message}`);
  }
  if (!decoded.ok) throw new CliError(`${path}:${decoded.line}: ${what} file is not UTF-8 text (save it as UTF-8 and run again)`);
  return decoded.text;
}

/** Reads users from `path`: `.csv` as CSV, anything else as JSON. */
export function loadUsers(path: string, types: AttributeTypes = {}, cwd = '.'): User[] {
  const text = readInputFile(path, 'users', cwd);
  return extname(path).toLowerCase() === '.csv' ? parseUsersCsv(text, path, types) : parseUsersJson(text, path);
}

export function parseUsersJson(text: string, file: string): User[] {
  const data = parseJsonFile(text, file);
  if (!Array.isArray(data)) throw new CliError(`${file}:1: users file must be a json array of profiles, got ${kindOf(data)}`);
  let lines: number[] | undefined;
  const where = (index: number): string => {
    lines ??= arrayItemLines(text);
    return `${file}:${lines[index] ?? 1}`;
  };
  return checkUsers(data.map((item, index) => ({ item, where: () => where(index), index })));
}

/**
 * CSV users: header row names attributes; empty cells are omitted; `a.b` headers build
 * nested objects. Cells stay strings unless the settings declare the attribute's type.
 */
export function parseUsersCsv(text: string, file: string, types: AttributeTypes = {}): User[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    // The header is kept to be checked as an HR file's is: `columns: true` lets a column given twice win silently.
    records = parseCsv(text, { columns: (names: string[]) => (header = names), info: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    const err = error as Error & { lines?: number };
    const reason = err.message.replace(/\s*(at|on) line \d+\s*$/, '').replace(/^[A-Z][\w ]+: /, '');
    throw new CliError(`${file}:${err.lines ?? 1}: malformed csv: ${lowerFirst(reason)}`);
  }
  if (records.length === 0 && text.trim() === '') throw new CliError(`${file}:1: users file is empty`);
  const problems = columnProblems(header);
  if (problems.length > 0) throw new CliError(`${file}:1: ${problems.join('; ')}`);
  return checkUsers(
    records.map(({ record, info }, index) => {
      const where = (): string => `${file}:${info.lines}`;
      return { item: csvRecordToProfile(record, types, where), where, index };
    }),
  );
}

function csvRecordToProfile(record: Record<string, string>, types: AttributeTypes, where: () => string): Record<string, unknown> {
  const profile: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '') continue;
    const keys = column.split('.');
    let target = profile;
    for (const key of keys.slice(0, -1)) {
      const next = target[key];
      if (next !== undefined && (typeof next !== 'object' || next === null)) throw new CliError(`${where()}: column \`${column}\` nests under \`${key}\`, which also has a value`);
      target = (next as Record<string, unknown> | undefined) ?? (target[key] = {});
    }
    target[keys[keys.length - 1] as string] = coerce(cell, types[column], column, where);
  }
  return profile;
}

/** A cell shown inside a one-line message: line breaks and other controls escaped. */
function oneLine(cell: string): string {
  return JSON.stringify(cell).slice(1, -1);
}

function coerce(cell: string, type: AttributeType | undefined, column: string, where: () => string): unknown {
  switch (type) {
    case 'number': {
      const value = Number(cell);
      if (Number.isNaN(value)) throw new CliError(`${where()}: \`${column}\` is declared a number, got \`${oneLine(cell)}\``);
      return value;
    }
    case 'boolean':
      if (cell === 'true' || cell === 'false') return cell === 'true';
      throw new CliError(`${where()}: \`${column}\` is declared a boolean, got \`${oneLine(cell)}\``);
    case 'string[]':
      return cell.split(';').map((part) => part.trim()).filter((part) => part !== '');
    default:
      return cell;
  }
}

interface Candidate {
  item: unknown;
  index: number;
  where(): string;
}

function checkUsers(candidates: Candidate[]): User[] {
  const seen = new Map<string, string>();
  const users: User[] = [];
  for (const { item, index, where } of candidates) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new CliError(`${where()}: user #${index + 1} must be an object, got ${kindOf(item)}`);
    const profile = item as Record<string, unknown>;
    const id = profile.id;
    if (id === undefined || id === null || id === '') throw new CliError(`${where()}: user #${index + 1} has no \`id\``);
    if (typeof id !== 'string') throw new CliError(`${where()}: user #${index + 1} has a non-string \`id\` (${kindOf(id)})`);
    const status = profile.status;
    if (status !== undefined && !(USER_STATUSES as readonly unknown[]).includes(status)) {
      throw new CliError(`${where()}: user \`${id}\` has unknown status \`${String(status)}\` (expected one of ${USER_STATUSES.join(', ')})`);
    }
    const first = seen.get(id);
    if (first !== undefined) throw new CliError(`${where()}: duplicate user id \`${id}\` (first at ${first})`);
    seen.set(id, where());
    users.push(profile as User);
  }
  return users;
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

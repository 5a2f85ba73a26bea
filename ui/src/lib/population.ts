// A population pasted or uploaded for simulation: a JSON array of profiles, or CSV with a
// header row (dotted columns nest, declared number/boolean/list attributes are converted).
import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { USER_STATUSES } from '../../../engine/types.ts';
import type { AttributeType, User } from '../../../engine/types.ts';

export class PopulationError extends Error {}

export function parsePopulation(text: string, types: Record<string, AttributeType> = {}): User[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new PopulationError('the population is empty: paste users or choose a file');
  return trimmed.startsWith('[') || trimmed.startsWith('{') ? fromJson(trimmed) : fromCsv(text, types);
}

function fromJson(text: string): User[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PopulationError(`the JSON cannot be read: ${(error as Error).message.replace(/^JSON\.parse: /, '')}`);
  }
  const list = Array.isArray(data) ? data : (data as { users?: unknown }).users;
  if (!Array.isArray(list)) throw new PopulationError('the JSON must be a list of users (or `{"users": [...]}`)');
  return check(list, (i) => `user #${i + 1}`);
}

function fromCsv(text: string, types: Record<string, AttributeType>): User[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (error) {
    throw new PopulationError(`the CSV cannot be read: ${(error as Error).message}`);
  }
  const profiles = records.map((record, i) => {
    const profile: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue;
      const keys = column.split('.');
      let target = profile;
      for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      target[keys[keys.length - 1] as string] = coerce(cell, types[column], column, i + 2);
    }
    return profile;
  });
  return check(profiles, (i) => `line ${i + 2}`);
}

function coerce(cell: string, type: AttributeType | undefined, column: string, line: number): unknown {
  if (type === 'number') {
    const n = Number(cell);
    if (Number.isNaN(n)) throw new PopulationError(`line ${line}: \`${column}\` should be a number, got \`${cell}\``);
    return n;
  }
  if (type === 'boolean') return cell === 'true';
  if (type === 'string[]') return cell.split(';').map((s) => s.trim()).filter((s) => s !== '');
  return cell;
}

function check(list: unknown[], where: (i: number) => string): User[] {
  const seen = new Set<string>();
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new PopulationError(`${where(i)} is not an object`);
    const user = item as User;
    if (typeof user.id !== 'string' || user.id === '') throw new PopulationError(`${where(i)} has no \`id\``);
    if (user.status !== undefined && !(USER_STATUSES as readonly string[]).includes(user.status)) {
      throw new PopulationError(`${where(i)}: unknown status \`${String(user.status)}\` (use one of ${USER_STATUSES.join(', ')})`);
    }
    if (seen.has(user.id)) throw new PopulationError(`${where(i)}: user id \`${user.id}\` appears twice`);
    seen.add(user.id);
    return user;
  });
}

/** A user as the API lists it (identity row) turned into the profile the engine reads. */
export function identityToUser(row: { id: string; login?: string; email?: string | null; status?: string; profile?: Record<string, unknown> }): User {
  const user: User = { ...(row.profile ?? {}), id: row.id } as User;
  if (row.login !== undefined && user.login === undefined) user.login = row.login;
  if (row.email && user.email === undefined) user.email = row.email;
  if (row.status) user.status = row.status as User['status'];
  return user;
}

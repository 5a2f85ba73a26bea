// One HR record → a worker change, or every problem with it (each with the record's line).
// Bulk files hold whole workers; incremental files hold `op: upsert` (only the attributes
// sent change; `null` clears one) and `op: terminate` (by employee id) records.
import { isValidTimeZone } from '../../engine/lifecycle/effective-dates.ts';
import { USER_STATUSES } from '../../engine/types.ts';
import type { AttributeType, UserStatus } from '../../engine/types.ts';
import type { RawRecord, RecordError } from './parse.ts';
import { RESERVED, isObject, reservedKey } from './parse.ts';

export type ImportMode = 'full' | 'incremental';

/** As long as a login may be, everywhere one comes from (the admin API, HR files, JIT, SCIM). */
export const MAX_LOGIN_LENGTH = 200;
/** Control and invisible formatting characters: a login must read as what it is (and SQLite reads one back cut short at a NUL). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/u;

/**
 * What is wrong with `login` as a login people type and apps receive (said after its name:
 * "`login` starts or ends with a space, …"), or undefined when nothing is. One rule for the
 * admin API, HR files and JIT claims.
 */
export function loginProblem(login: string): string | undefined {
  if (login === '') return 'is empty';
  if (login.length > MAX_LOGIN_LENGTH) return `is ${login.length} characters long: a login has at most ${MAX_LOGIN_LENGTH}`;
  if (UNPRINTABLE.test(login)) return 'has control or invisible characters, which no login may have';
  // Half a UTF-16 pair is no character: stored, it came back as U+FFFD, another login than the one sent.
  if (/\p{Cs}/u.test(login)) return 'has half of a UTF-16 surrogate pair (not a character), which no login may have';
  // Trimmed, ` ada` would be ada (someone else's identity); kept, it would pass for her in every list.
  if (login.trim() !== login) return 'starts or ends with a space, which no login may';
  return undefined;
}

export interface WorkerChange {
  op: 'upsert' | 'terminate';
  id: string;
  line: number;
  status?: UserStatus;
  /** The identity's login; new workers default to their email, lowercased. */
  login?: string;
  /** Profile attributes from HR (`null` drops HR's value in incremental files). */
  attributes: Record<string, unknown>;
}

/** Columns that are not profile attributes. */
const META = new Set(['id', 'op', 'status', 'login']);
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Always dates, whatever the settings declare. */
const DATE_FIELDS = ['startDate', 'terminationDate'];
const NAME_FIELDS = ['firstName', 'lastName'];

export interface ValidateOptions {
  mode: ImportMode;
  /** Declared attribute types (rules `settings.attributes`). */
  types?: Record<string, AttributeType>;
}

export type Validated = { ok: true; change: WorkerChange } | { ok: false; errors: RecordError[] };

export function validateRecord(raw: RawRecord, options: ValidateOptions): Validated {
  const { line, value } = raw;
  if (!isObject(value)) return { ok: false, errors: [{ line, message: `record must be an object, got ${kindOf(value)}` }] };
  const errors: string[] = [];
  const id = value.id;
  const idText = typeof id === 'string' ? id : typeof id === 'number' && Number.isInteger(id) ? String(id) : undefined;
  if (id === undefined || id === null || id === '') errors.push('missing `id`');
  else if (idText === undefined || !ID.test(idText)) errors.push(`\`id\` must be letters, digits, \`.\`, \`_\`, \`:\` or \`-\` (at most 64), got \`${show(id)}\``);

  const op = value.op ?? 'upsert';
  if (options.mode === 'full' && value.op !== undefined) errors.push('`op` is only for incremental files (use --incremental)');
  else if (op !== 'upsert' && op !== 'terminate') errors.push(`\`op\` must be \`upsert\` or \`terminate\`, got \`${show(op)}\``);

  let status: UserStatus | undefined;
  if (value.status !== undefined && value.status !== null) {
    const upper = typeof value.status === 'string' ? value.status.toUpperCase() : undefined;
    if (upper && (USER_STATUSES as readonly string[]).includes(upper)) status = upper as UserStatus;
    else errors.push(`unknown status \`${show(value.status)}\` (expected one of ${USER_STATUSES.join(', ')})`);
  }
  // A termination sets the status itself: `terminate` beside `status: ACTIVE` (an export's status
  // column) would otherwise be a termination that terminates nobody.
  if (op === 'terminate' && status !== undefined && status !== 'DEPROVISIONED') errors.push(`\`op\` terminate contradicts \`status\` \`${status}\` (leave \`status\` empty: the termination sets it)`);
  let login: string | undefined;
  if (value.login !== undefined && value.login !== null) {
    if (typeof value.login === 'string' && value.login.trim() !== '') {
      login = value.login.trim();
      const problem = loginProblem(login);
      if (problem) errors.push(`\`login\` ${problem}`);
    } else errors.push(`\`login\` must be a non-empty string, got \`${show(value.login)}\``);
  }

  const attributes: Record<string, unknown> = {};
  for (const [name, attr] of Object.entries(value)) if (!META.has(name) && !RESERVED.has(name)) attributes[name] = attr;
  const reserved = reservedKey(value);
  if (reserved) errors.push(`\`${reserved}\` uses a reserved name (\`__proto__\`, \`prototype\` and \`constructor\` are not attributes)`);
  const incremental = options.mode === 'incremental';
  const required = op === 'upsert' && !incremental;
  for (const name of NAME_FIELDS) {
    const v = attributes[name];
    if (v === undefined || v === null || v === '') {
      if (required) errors.push(`missing \`${name}\``);
      else if (v === null && op === 'upsert') errors.push(`\`${name}\` cannot be cleared`);
    } else if (typeof v !== 'string') errors.push(`\`${name}\` must be a string, got ${kindOf(v)}`);
  }
  const email = attributes.email;
  if (email === undefined || email === null || email === '') {
    if (required) errors.push('missing `email`');
    else if (email === null && op === 'upsert') errors.push('`email` cannot be cleared');
  } else if (typeof email !== 'string' || !EMAIL.test(email)) errors.push(`\`email\` is not an email address: \`${show(email)}\``);

  const types = options.types ?? {};
  for (const [name, v] of Object.entries(attributes)) {
    if (v === null || v === undefined) continue;
    const type = DATE_FIELDS.includes(name) ? 'date' : types[name];
    const problem = type ? checkType(v, type) : undefined;
    if (problem) errors.push(`\`${name}\` ${problem}`);
  }
  const timeZone = attributes.timeZone;
  if (timeZone !== undefined && timeZone !== null && (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))) {
    errors.push(`\`timeZone\` must be an IANA time zone such as \`Europe/Berlin\`, got \`${show(timeZone)}\``);
  }
  if (typeof attributes.startDate === 'string' && typeof attributes.terminationDate === 'string' && attributes.terminationDate < attributes.startDate) {
    errors.push(`\`terminationDate\` ${attributes.terminationDate} is before \`startDate\` ${attributes.startDate}`);
  }
  if (errors.length > 0) return { ok: false, errors: errors.map((message) => ({ line, ...(idText ? { id: idText } : {}), message })) };
  const change: WorkerChange = { op: op as WorkerChange['op'], id: idText as string, line, attributes };
  if (status) change.status = status;
  if (login) change.login = login;
  return { ok: true, change };
}

/** Why `value` is not of `type`, or undefined when it is. */
function checkType(value: unknown, type: AttributeType): string | undefined {
  switch (type) {
    case 'date':
      return isIsoDate(value) ? undefined : `must be a date YYYY-MM-DD, got \`${show(value)}\``;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `must be a number, got \`${show(value)}\``;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got \`${show(value)}\``;
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, got ${kindOf(value)}`;
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `must be a list of strings, got ${kindOf(value)}`;
    case 'object':
      return isObject(value) ? undefined : `must be an object, got ${kindOf(value)}`;
  }
}

/** A real calendar date written YYYY-MM-DD (2025-02-30 is not one). */
export function isIsoDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Checks every record and the file as a whole (duplicate ids and logins). */
export function validateRecords(records: readonly RawRecord[], options: ValidateOptions): { changes: WorkerChange[]; errors: RecordError[] } {
  const changes: WorkerChange[] = [];
  const errors: RecordError[] = [];
  const ids = new Map<string, number>();
  const logins = new Map<string, number>();
  for (const record of records) {
    const result = validateRecord(record, options);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    const { change } = result;
    const firstId = ids.get(change.id);
    if (firstId !== undefined) {
      errors.push({ line: change.line, id: change.id, message: `duplicate id \`${change.id}\` (first at line ${firstId})` });
      continue;
    }
    ids.set(change.id, change.line);
    const login = (change.login ?? (typeof change.attributes.email === 'string' ? change.attributes.email : '')).toLowerCase();
    if (login !== '') {
      const firstLogin = logins.get(login);
      if (firstLogin !== undefined) {
        errors.push({ line: change.line, id: change.id, message: `login \`${login}\` is also used at line ${firstLogin}` });
        continue;
      }
      logins.set(login, change.line);
    }
    changes.push(change);
  }
  return { changes, errors };
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const one = JSON.stringify(text).slice(1, -1);
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

// Effective dates in the worker's own time zone: a termination on a date takes effect at the
// end of that date where the worker is, staging starts N local days before the start date.
// Intl carries the tz database everywhere the engine runs (Node, Workers, browsers), so no
// library is needed; what Intl lacks is "local wall time → instant", which is solved here.
import type { Diagnostic, Result } from '../types.ts';

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// `format` is about three times cheaper than `formatToParts` (no array of part objects); its
// en-US h23 shape is read directly, and anything else (a year outside 1000–9999, another ICU
// layout) falls back to the parts.
const WALL_TEXT = /^(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

/** The local wall-clock time at instant `t`, expressed as if it were UTC milliseconds. */
function localWallMs(t: number, timeZone: string): number {
  const formatter = formatterFor(timeZone);
  const m = WALL_TEXT.exec(formatter.format(t));
  let wall: number;
  if (m) wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
  else {
    const parts: Record<string, number> = {};
    for (const p of formatter.formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    wall = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  }
  return wall + (((t % 1000) + 1000) % 1000);
}

const offsetAt = (t: number, timeZone: string): number => localWallMs(t, timeZone) - t;

// Day boundaries look up offsets at UTC midnights, and neighbouring dates share them: remember
// those per zone (bounded; an offset at an instant never changes).
const midnightOffsets = new Map<string, Map<number, number>>();
let midnightOffsetCount = 0;
const MIDNIGHT_OFFSET_LIMIT = 200_000;

function offsetAtMidnight(t: number, timeZone: string): number {
  let byInstant = midnightOffsets.get(timeZone);
  if (byInstant === undefined) midnightOffsets.set(timeZone, (byInstant = new Map()));
  let offset = byInstant.get(t);
  if (offset === undefined) {
    offset = offsetAt(t, timeZone);
    if (midnightOffsetCount >= MIDNIGHT_OFFSET_LIMIT) {
      midnightOffsets.clear();
      midnightOffsets.set(timeZone, byInstant);
      byInstant.clear();
      midnightOffsetCount = 0;
    }
    byInstant.set(t, offset);
    midnightOffsetCount++;
  }
  return offset;
}

function fail(code: string, message: string): Result<never> {
  const diagnostic: Diagnostic = { code, severity: 'error', message };
  return { ok: false, diagnostics: [diagnostic] };
}

/** Whether `timeZone` is an IANA zone (or alias) this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Parses a calendar date `YYYY-MM-DD` to the UTC midnight of that date (a wall-clock value). */
function parseDate(date: string): number | undefined {
  const m = DATE_PATTERN.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms;
}

/** `date` shifted by `days` calendar days (negative goes back), as `YYYY-MM-DD`. */
export function addDays(date: string, days: number): Result<string> {
  const ms = parseDate(date);
  if (ms === undefined) return fail('lifecycle.invalid-date', `invalid date \`${date}\`: expected YYYY-MM-DD`);
  return { ok: true, value: new Date(ms + days * DAY_MS).toISOString().slice(0, 10), diagnostics: [] };
}

/**
 * The first instant whose local wall time is at or after `wall`. When local midnight is
 * repeated the earlier one wins; when it is skipped (a DST gap at midnight) the day starts at
 * the end of the gap.
 */
function firstInstantAtWall(wall: number, timeZone: string): number {
  // `wall` is a UTC midnight, and so are a day either side of it.
  const before = offsetAtMidnight(wall - DAY_MS, timeZone);
  const after = offsetAtMidnight(wall + DAY_MS, timeZone);
  // The usual day has one offset either side: one candidate to check instead of the same one twice.
  const candidates = before === after ? [wall - before] : [wall - before, wall - after];
  const exact = candidates.filter((t) => localWallMs(t, timeZone) === wall).sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // A gap: local time jumps over `wall` between these two instants; find the jump.
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > 1000) {
    const mid = lo + Math.max(1000, Math.floor((hi - lo) / 2000) * 1000);
    if (localWallMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

// A population shares a few thousand dates and a handful of zones, and each boundary costs
// several Intl formats: remember them. A bounded memo of a pure function (answers never change).
const boundaries = new Map<string, Result<string>>();
const BOUNDARY_LIMIT = 50_000;

function dayBoundary(date: string, timeZone: string, offsetDays: number): Result<string> {
  const key = `${date}|${timeZone}|${offsetDays}`;
  let result = boundaries.get(key);
  if (result === undefined) {
    result = computeDayBoundary(date, timeZone, offsetDays);
    if (boundaries.size >= BOUNDARY_LIMIT) boundaries.clear();
    boundaries.set(key, result);
  }
  return result;
}

function computeDayBoundary(date: string, timeZone: string, offsetDays: number): Result<string> {
  const ms = parseDate(date);
  if (ms === undefined) return fail('lifecycle.invalid-date', `invalid date \`${date}\`: expected YYYY-MM-DD`);
  if (!isValidTimeZone(timeZone)) return fail('lifecycle.invalid-time-zone', `unknown time zone \`${String(timeZone)}\`: expected an IANA name such as \`Europe/Paris\``);
  const wall = ms + offsetDays * DAY_MS;
  // UTC's wall clock is the instant itself: no offsets to look up.
  const instant = UTC_ZONES.has(timeZone) ? wall : firstInstantAtWall(wall, timeZone);
  return { ok: true, value: new Date(instant).toISOString(), diagnostics: [] };
}

const UTC_ZONES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu', 'Universal', 'Zulu']);

/** The instant the local day `date` begins in `timeZone` (ISO-8601, UTC). */
export function localStartOfDay(date: string, timeZone: string): Result<string> {
  return dayBoundary(date, timeZone, 0);
}

/** The instant the local day `date` ends in `timeZone`: the start of the next local day. */
export function localEndOfDay(date: string, timeZone: string): Result<string> {
  return dayBoundary(date, timeZone, 1);
}

/** When to stage a worker: the start of the local day `daysBefore` days before `startDate`. */
export function stagingInstant(startDate: string, timeZone: string, daysBefore: number): Result<string> {
  if (!Number.isInteger(daysBefore) || daysBefore < 0) {
    return fail('lifecycle.invalid-days', `invalid staging days \`${daysBefore}\`: expected a whole number of days, 0 or more`);
  }
  return dayBoundary(startDate, timeZone, -daysBefore);
}

/** The local calendar date (`YYYY-MM-DD`) in `timeZone` at an ISO instant. */
export function localDateAt(instant: string, timeZone: string): Result<string> {
  const t = Date.parse(instant);
  if (Number.isNaN(t)) return fail('lifecycle.invalid-instant', `invalid instant \`${instant}\`: expected ISO-8601`);
  if (!isValidTimeZone(timeZone)) return fail('lifecycle.invalid-time-zone', `unknown time zone \`${String(timeZone)}\`: expected an IANA name such as \`Europe/Paris\``);
  return { ok: true, value: new Date(localWallMs(t, timeZone)).toISOString().slice(0, 10), diagnostics: [] };
}

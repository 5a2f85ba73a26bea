// A worker's effective dates: where they are in their employment, decided in their own time
// zone. `startDate`/`terminationDate` are local calendar dates (YYYY-MM-DD) on the profile.
import type { Diagnostic, EffectiveDates, EvalContext, RuleSet, User, UserStatus } from '../types.ts';
import { isValidTimeZone, localEndOfDay, localStartOfDay, stagingInstant } from './effective-dates.ts';

/**
 * The worker's dates and phase at `ctx.asOf`, or undefined when the profile has neither date.
 * A termination dated before the start date belongs to an earlier employment (a rehire) and
 * is ignored. A date that does not parse is a diagnostic and is ignored.
 */
export function effectiveDates(ruleSet: RuleSet, user: User, ctx: EvalContext, diagnostics: Diagnostic[]): EffectiveDates | undefined {
  const start = typeof user.startDate === 'string' ? user.startDate : undefined;
  let termination = typeof user.terminationDate === 'string' ? user.terminationDate : undefined;
  if (start === undefined && termination === undefined) return undefined;
  const timeZone = timeZoneOf(ruleSet, user, diagnostics);
  if (start !== undefined && termination !== undefined && termination < start) termination = undefined;
  const days = ruleSet.settings.lifecycle?.stageDaysBeforeStart ?? 0;
  const found = instantsOf(start, termination, timeZone, days);
  for (const { attribute, diagnostic } of found.problems) {
    diagnostics.push({ ...diagnostic, message: `user \`${user.id}\` \`${attribute}\`: ${diagnostic.message}` });
  }

  // Workers sharing dates and a zone share one (frozen) answer per `asOf`.
  if (found.datesAsOf === ctx.asOfMs && found.dates !== undefined) return found.dates;
  const dates: EffectiveDates = { timeZone, phase: 'active' };
  if (found.startAt !== undefined) dates.startAt = found.startAt;
  if (found.stagingAt !== undefined) dates.stagingAt = found.stagingAt;
  if (found.terminationAt !== undefined) dates.terminationAt = found.terminationAt;
  const { startMs, stagingMs, terminationMs } = found;
  if (terminationMs !== undefined && ctx.asOfMs >= terminationMs) dates.phase = 'terminated';
  else if (startMs !== undefined && ctx.asOfMs < startMs) dates.phase = stagingMs !== undefined && ctx.asOfMs >= stagingMs ? 'staged' : 'pre-hire';
  else if (terminationMs !== undefined) dates.phase = 'terminating';
  found.dates = Object.freeze(dates) as EffectiveDates;
  found.datesAsOf = ctx.asOfMs;
  return found.dates;
}

interface Instants {
  startAt?: string;
  stagingAt?: string;
  terminationAt?: string;
  startMs?: number;
  stagingMs?: number;
  terminationMs?: number;
  problems: { attribute: string; diagnostic: Diagnostic }[];
  /** The last answer worked out from these instants, and the `asOf` it is for. */
  dates?: EffectiveDates;
  datesAsOf?: number;
}

// Workers share start dates, termination dates and zones: the instants are worked out once per
// combination (a bounded memo of a pure function) and only the phase is decided per worker.
// Keyed zone → staging days → start → termination, without building a string per worker.
type Memo = Map<string, Map<number, Map<string, Map<string, Instants>>>>;
const instantsMemo: Memo = new Map();
let memoSize = 0;
const INSTANTS_LIMIT = 50_000;

function instantsOf(start: string | undefined, termination: string | undefined, timeZone: string, days: number): Instants {
  let byDays = instantsMemo.get(timeZone);
  if (byDays === undefined) instantsMemo.set(timeZone, (byDays = new Map()));
  let byStart = byDays.get(days);
  if (byStart === undefined) byDays.set(days, (byStart = new Map()));
  let byTermination = byStart.get(start ?? '');
  if (byTermination === undefined) byStart.set(start ?? '', (byTermination = new Map()));
  let found = byTermination.get(termination ?? '');
  if (found === undefined) {
    if (memoSize >= INSTANTS_LIMIT) {
      instantsMemo.clear();
      memoSize = 0;
    }
    found = computeInstants(start, termination, timeZone, days);
    byTermination.set(termination ?? '', found);
    memoSize++;
  }
  return found;
}

function computeInstants(start: string | undefined, termination: string | undefined, timeZone: string, days: number): Instants {
  const found: Instants = { problems: [] };
  const read = (result: ReturnType<typeof localStartOfDay>, attribute: string): string | undefined => {
    if (result.ok) return result.value;
    for (const diagnostic of result.diagnostics) found.problems.push({ attribute, diagnostic });
    return undefined;
  };
  if (start !== undefined) {
    found.startAt = read(localStartOfDay(start, timeZone), 'startDate');
    if (found.startAt !== undefined) found.stagingAt = read(stagingInstant(start, timeZone, days), 'startDate');
  }
  if (termination !== undefined) found.terminationAt = read(localEndOfDay(termination, timeZone), 'terminationDate');
  if (found.startAt !== undefined) found.startMs = Date.parse(found.startAt);
  else delete found.startAt;
  if (found.stagingAt !== undefined) found.stagingMs = Date.parse(found.stagingAt);
  else delete found.stagingAt;
  if (found.terminationAt !== undefined) found.terminationMs = Date.parse(found.terminationAt);
  else delete found.terminationAt;
  return found;
}

/** Statuses the dates may move: an explicit SUSPENDED or DEPROVISIONED from the source stands. */
const DATE_DRIVEN: ReadonlySet<UserStatus> = new Set(['STAGED', 'PROVISIONED', 'ACTIVE']);

/**
 * The status planning uses: past the termination instant a worker is DEPROVISIONED; before the
 * staging window a future hire is STAGED (nothing new); inside it they are ACTIVE, so their
 * accounts are created ahead of the start (each with `notBefore` = the staging instant).
 */
export function effectiveStatus(status: UserStatus, dates: EffectiveDates | undefined): UserStatus {
  if (!dates) return status;
  if (dates.phase === 'terminated') return 'DEPROVISIONED';
  if (!DATE_DRIVEN.has(status)) return status;
  if (dates.phase === 'pre-hire') return 'STAGED';
  if (dates.phase === 'staged') return 'ACTIVE';
  return status;
}

function timeZoneOf(ruleSet: RuleSet, user: User, diagnostics: Diagnostic[]): string {
  const fallback = ruleSet.settings.lifecycle?.timeZone ?? 'UTC';
  const own = user.timeZone;
  if (own === undefined || own === null || own === '') return fallback;
  if (typeof own === 'string' && isValidTimeZone(own)) return own;
  diagnostics.push({
    code: 'lifecycle.invalid-time-zone',
    severity: 'warning',
    message: `user \`${user.id}\` has unknown time zone \`${String(own)}\`: using \`${fallback}\``,
  });
  return fallback;
}

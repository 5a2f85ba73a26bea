import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../types.ts';
import { addDays, isValidTimeZone, localDateAt, localEndOfDay, localStartOfDay, stagingInstant } from './effective-dates.ts';

const MEL = 'Australia/Melbourne';
const LA = 'America/Los_Angeles';
const HOUR = 3_600_000;

function value(r: Result<string>): string {
  if (!r.ok) throw new Error(r.diagnostics[0]?.message);
  return r.value;
}
const hoursBetween = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / HOUR;

// Worked by hand. 2026 transitions: Melbourne ends DST on Sun 5 April (03:00 AEDT +11 → 02:00
// AEST +10) and starts it on Sun 4 October (02:00 AEST → 03:00 AEDT); Los Angeles starts DST on
// Sun 8 March (02:00 PST -8 → 03:00 PDT -7) and ends it on Sun 1 November (02:00 PDT → 01:00 PST).
describe('localEndOfDay: a Melbourne and a Los Angeles worker terminated on the same date', () => {
  const cases: { date: string; mel: string; la: string; apart: number }[] = [
    { date: '2026-01-15', mel: '2026-01-15T13:00:00.000Z', la: '2026-01-16T08:00:00.000Z', apart: 19 }, // AEDT vs PST
    { date: '2026-03-08', mel: '2026-03-08T13:00:00.000Z', la: '2026-03-09T07:00:00.000Z', apart: 18 }, // LA springs forward
    { date: '2026-04-05', mel: '2026-04-05T14:00:00.000Z', la: '2026-04-06T07:00:00.000Z', apart: 17 }, // Melbourne falls back
    { date: '2026-06-30', mel: '2026-06-30T14:00:00.000Z', la: '2026-07-01T07:00:00.000Z', apart: 17 }, // AEST vs PDT
    { date: '2026-10-04', mel: '2026-10-04T13:00:00.000Z', la: '2026-10-05T07:00:00.000Z', apart: 18 }, // Melbourne springs forward
    { date: '2026-11-01', mel: '2026-11-01T13:00:00.000Z', la: '2026-11-02T08:00:00.000Z', apart: 19 }, // LA falls back
  ];
  for (const { date, mel, la, apart } of cases) {
    it(`${date}: Melbourne at ${mel}, Los Angeles at ${la}, ${apart} hours apart`, () => {
      const m = value(localEndOfDay(date, MEL));
      const l = value(localEndOfDay(date, LA));
      expect(m).toBe(mel);
      expect(l).toBe(la);
      expect(hoursBetween(m, l)).toBe(apart);
    });
  }
});

describe('DST-transition days have the right length', () => {
  const dayLength = (date: string, tz: string): number => hoursBetween(value(localStartOfDay(date, tz)), value(localEndOfDay(date, tz)));

  it('Melbourne: 25 hours when DST ends, 23 when it starts', () => {
    expect(value(localStartOfDay('2026-04-05', MEL))).toBe('2026-04-04T13:00:00.000Z');
    expect(dayLength('2026-04-05', MEL)).toBe(25);
    expect(value(localStartOfDay('2026-10-04', MEL))).toBe('2026-10-03T14:00:00.000Z');
    expect(dayLength('2026-10-04', MEL)).toBe(23);
    expect(dayLength('2026-04-06', MEL)).toBe(24);
  });

  it('Los Angeles: 23 hours when DST starts, 25 when it ends', () => {
    expect(value(localStartOfDay('2026-03-08', LA))).toBe('2026-03-08T08:00:00.000Z');
    expect(dayLength('2026-03-08', LA)).toBe(23);
    expect(value(localStartOfDay('2026-11-01', LA))).toBe('2026-11-01T07:00:00.000Z');
    expect(dayLength('2026-11-01', LA)).toBe(25);
  });

  it('starts the day at the end of the gap when midnight does not exist', () => {
    // São Paulo, 4 Nov 2018: 00:00 -03 jumped to 01:00 -02.
    expect(value(localStartOfDay('2018-11-04', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
    expect(value(localEndOfDay('2018-11-03', 'America/Sao_Paulo'))).toBe('2018-11-04T03:00:00.000Z');
  });

  it('ends the day at the one real midnight when the clock fell back across midnight', () => {
    // São Paulo, 17 Feb 2019: 00:00 -02 fell back to 23:00 -03 on the 16th.
    expect(value(localEndOfDay('2019-02-16', 'America/Sao_Paulo'))).toBe('2019-02-17T03:00:00.000Z');
    expect(hoursBetween(value(localStartOfDay('2019-02-16', 'America/Sao_Paulo')), '2019-02-17T03:00:00.000Z')).toBe(25);
  });

  it('handles UTC, half-hour and 45-minute zones', () => {
    expect(value(localEndOfDay('2026-12-31', 'UTC'))).toBe('2027-01-01T00:00:00.000Z');
    expect(value(localEndOfDay('2026-02-28', 'Asia/Kolkata'))).toBe('2026-02-28T18:30:00.000Z');
    expect(value(localEndOfDay('2026-07-01', 'Asia/Kathmandu'))).toBe('2026-07-01T18:15:00.000Z');
    expect(value(localEndOfDay('2028-02-28', 'UTC'))).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('stagingInstant', () => {
  it('stages at the start of the local day N days before the start date', () => {
    expect(value(stagingInstant('2026-04-06', MEL, 3))).toBe('2026-04-02T13:00:00.000Z'); // 3 April 00:00 AEDT
    expect(value(stagingInstant('2026-03-10', LA, 7))).toBe('2026-03-03T08:00:00.000Z'); // 3 March 00:00 PST
    expect(value(stagingInstant('2026-03-10', LA, 0))).toBe('2026-03-10T07:00:00.000Z'); // 10 March 00:00 PDT
    expect(value(stagingInstant('2026-01-02', 'UTC', 5))).toBe('2025-12-28T00:00:00.000Z');
  });

  it('refuses negative or fractional days as a value', () => {
    const r = stagingInstant('2026-03-10', LA, -1);
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe('lifecycle.invalid-days');
    expect(stagingInstant('2026-03-10', LA, 1.5).ok).toBe(false);
  });
});

describe('invalid input is a value, not a throw', () => {
  it('reports an unknown time zone', () => {
    const r = localEndOfDay('2026-04-05', 'Mars/Olympus_Mons');
    expect(r).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'lifecycle.invalid-time-zone',
          severity: 'error',
          message: 'unknown time zone `Mars/Olympus_Mons`: expected an IANA name such as `Europe/Paris`',
        },
      ],
    });
    expect(localStartOfDay('2026-04-05', '').ok).toBe(false);
    expect(isValidTimeZone('Australia/Melbourne')).toBe(true);
    expect(isValidTimeZone('Not/A_Zone')).toBe(false);
  });

  it('reports impossible and malformed dates', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '2026-01-01T00:00:00Z', '']) {
      const r = localEndOfDay(bad, MEL);
      expect(r.ok).toBe(false);
      expect(r.diagnostics[0]?.code).toBe('lifecycle.invalid-date');
    }
    expect(value(localEndOfDay('2028-02-29', MEL))).toBe('2028-02-29T13:00:00.000Z');
  });
});

describe('calendar helpers', () => {
  it('adds days across months and years', () => {
    expect(value(addDays('2026-02-27', 2))).toBe('2026-03-01');
    expect(value(addDays('2026-01-01', -1))).toBe('2025-12-31');
    expect(addDays('2026-02-30', 1).ok).toBe(false);
  });

  it('gives the local date at an instant', () => {
    expect(value(localDateAt('2026-04-05T13:59:59Z', MEL))).toBe('2026-04-05');
    expect(value(localDateAt('2026-04-05T14:00:00Z', MEL))).toBe('2026-04-06');
    expect(value(localDateAt('2026-04-05T14:00:00Z', LA))).toBe('2026-04-05');
    expect(localDateAt('soon', LA).ok).toBe(false);
  });
});

describe('properties over many dates and zones', () => {
  const zones = [MEL, LA, 'Europe/London', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Havana', 'UTC'];

  it('each local day starts on its own date, right after the previous date, and lasts 23 to 25 hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 30 }), fc.constantFrom(...zones), (dayIndex, tz) => {
        const date = value(addDays('2010-01-01', dayIndex));
        const start = value(localStartOfDay(date, tz));
        const end = value(localEndOfDay(date, tz));
        expect(end).toBe(value(localStartOfDay(value(addDays(date, 1)), tz)));
        expect(value(localDateAt(start, tz))).toBe(date);
        expect(value(localDateAt(new Date(Date.parse(start) - 1000).toISOString(), tz))).toBe(value(addDays(date, -1)));
        const hours = hoursBetween(start, end);
        expect(hours).toBeGreaterThanOrEqual(23);
        expect(hours).toBeLessThanOrEqual(25);
      }),
      { numRuns: 2000 },
    );
  });
});

// The instants as first written: every wall time read through formatToParts, both candidates
// checked, nothing remembered. The fast paths must give the same instant for every day.
function referenceWallMs(t: number, timeZone: string): number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(t)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0) + (((t % 1000) + 1000) % 1000);
}

function referenceStartOfDay(date: string, timeZone: string): string {
  const wall = Date.parse(`${date}T00:00:00.000Z`);
  const DAY = 86_400_000;
  const before = referenceWallMs(wall - DAY, timeZone) - (wall - DAY);
  const after = referenceWallMs(wall + DAY, timeZone) - (wall + DAY);
  const exact = [wall - before, wall - after].filter((t) => referenceWallMs(t, timeZone) === wall).sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]).toISOString();
  let lo = Math.min(wall - before, wall - after);
  let hi = Math.max(wall - before, wall - after);
  while (hi - lo > 1000) {
    const mid = lo + Math.max(1000, Math.floor((hi - lo) / 2000) * 1000);
    if (referenceWallMs(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi).toISOString();
}

describe('the remembered offsets and the fast wall-time reading agree with reading every part', () => {
  // Zones with midnight transitions (Havana, Sao Paulo, Santiago, Beirut), a skipped day
  // (Apia, 2011-12-30), half-hour DST (Lord Howe), negative DST (Dublin) and odd offsets.
  const zones = ['America/Havana', 'America/Sao_Paulo', 'America/Santiago', 'Asia/Beirut', 'Pacific/Apia', 'Australia/Lord_Howe', 'Europe/Dublin', 'Pacific/Chatham', 'Asia/Kathmandu', MEL, LA, 'Europe/Berlin'];

  it('for every day start, end and staging instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 200 }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 30 }), (dayIndex, tz, days) => {
        const date = value(addDays('1900-01-01', dayIndex));
        expect(value(localStartOfDay(date, tz))).toBe(referenceStartOfDay(date, tz));
        expect(value(localEndOfDay(date, tz))).toBe(referenceStartOfDay(value(addDays(date, 1)), tz));
        expect(value(stagingInstant(date, tz, days))).toBe(referenceStartOfDay(value(addDays(date, -days)), tz));
      }),
      { numRuns: 3000 },
    );
  });

  it('on the days around a skipped day and midnight transitions', () => {
    const days = ['2011-12-29', '2011-12-30', '2011-12-31', '2019-11-03', '2018-11-04', '2023-03-12', '2022-09-04', '1950-04-16'];
    for (const tz of zones) for (const date of days) expect(value(localStartOfDay(date, tz))).toBe(referenceStartOfDay(date, tz));
  });
});

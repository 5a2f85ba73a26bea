// What happens when: actions with `notBefore` grouped by the local day they become due. The
// CLI's `roster schedule --days N` and the UI's calendar read this; nothing here is a clock.
import type { Action } from '../types.ts';
import { localDateAt, localStartOfDay } from './effective-dates.ts';

export interface ScheduleOptions {
  /** ISO instant the schedule starts at (usually the plan's `asOf`). */
  from: string;
  /** How many local days to show, `from`'s day included. */
  days: number;
  /** The zone whose days the actions are grouped by (IANA; default UTC). */
  timeZone?: string;
}

export interface ScheduleDay {
  /** Local date `YYYY-MM-DD` in the schedule's time zone. */
  date: string;
  /** Ordered by `notBefore`, then as they came. */
  actions: Action[];
}

/**
 * Actions that carry `notBefore`, grouped by local day from `from`'s day for `days` days. An
 * action already due (its `notBefore` at or before `from`) is shown on the first day: it runs
 * now. Actions without `notBefore` and those beyond the window are left out. Days with no
 * actions are left out; an invalid `from`, time zone or day count gives an empty schedule.
 */
export function scheduleActions(actions: readonly Action[], options: ScheduleOptions): ScheduleDay[] {
  const timeZone = options.timeZone ?? 'UTC';
  const fromMs = Date.parse(options.from);
  if (Number.isNaN(fromMs) || !Number.isInteger(options.days) || options.days <= 0) return [];
  const firstDay = localDateAt(options.from, timeZone);
  if (!firstDay.ok) return [];
  const lastDay = addDays(firstDay.value, options.days);
  const end = localStartOfDay(lastDay, timeZone);
  if (!end.ok) return [];
  const endMs = Date.parse(end.value);

  const due: { ms: number; date: string; index: number; action: Action }[] = [];
  actions.forEach((action, index) => {
    if (action.notBefore === undefined) return;
    const ms = Date.parse(action.notBefore);
    if (Number.isNaN(ms) || ms >= endMs) return;
    const date = ms <= fromMs ? firstDay.value : localDateAt(action.notBefore, timeZone);
    if (typeof date === 'string') due.push({ ms, date, index, action });
    else if (date.ok) due.push({ ms, date: date.value, index, action });
  });
  due.sort((a, b) => a.ms - b.ms || a.index - b.index);

  const days: ScheduleDay[] = [];
  for (const item of due) {
    const last = days[days.length - 1];
    if (last && last.date === item.date) last.actions.push(item.action);
    else days.push({ date: item.date, actions: [item.action] });
  }
  return days;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

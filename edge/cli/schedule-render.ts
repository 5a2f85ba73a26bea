// `roster schedule` output: the days ahead, each with the actions that become due on it.
import type { Action, User } from '../../engine/types.ts';
import { plural, table } from './format.ts';

/** The days of `scheduleActions`, as the engine returns them. */
export interface ScheduleView {
  from: string;
  days: number;
  timeZone: string;
  schedule: { date: string; actions: Action[] }[];
}

/** `2026-03-14T07:00:00.000Z` as the worker's wall clock: `2026-03-14 00:00 America/Los_Angeles`. */
export function localTime(instant: string, timeZone: string | undefined): string | undefined {
  if (timeZone === undefined) return undefined;
  try {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(Date.parse(instant));
    const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${timeZone}`;
  } catch {
    return undefined;
  }
}

/** `defaultZone`: the zone of workers whose profile has none (settings `lifecycle.timeZone`). */
export function renderScheduleTable(view: ScheduleView, users: ReadonlyMap<string, User>, defaultZone = 'UTC'): string {
  const count = view.schedule.reduce((n, day) => n + day.actions.length, 0);
  const header = `${plural(count, 'scheduled action')} in the ${plural(view.days, 'day')} from ${view.from} (days in ${view.timeZone})`;
  if (count === 0) return `${header}\nnothing scheduled: no action has a \`notBefore\` inside the window`;
  const out = [header];
  for (const day of view.schedule) {
    out.push('', `${day.date} (${weekday(day.date)}): ${plural(day.actions.length, 'action')}`);
    const rows = day.actions.map((a) => {
      const zone = a.userId === undefined ? undefined : (timeZoneOf(users.get(a.userId)) ?? defaultZone);
      const local = a.notBefore === undefined ? '' : (localTime(a.notBefore, zone) ?? '');
      return [a.notBefore ?? '', local, a.type, a.userId ?? a.groupId ?? '', a.appId ?? (a.groupId === undefined ? '' : `group:${a.groupId}`), a.reason.summary];
    });
    out.push(indent(table(['NOT BEFORE', 'WORKER LOCAL TIME', 'TYPE', 'USER', 'TARGET', 'WHY'], rows)));
  }
  return out.join('\n');
}

export function renderScheduleJson(view: ScheduleView): string {
  return JSON.stringify(view, null, 2);
}

function timeZoneOf(user: User | undefined): string | undefined {
  const zone = user?.timeZone;
  return typeof zone === 'string' && zone !== '' ? zone : undefined;
}

function weekday(date: string): string {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

// `roster schedule`: what will happen when. The plan's actions that carry `notBefore` (staging
// before a start date, termination at the worker's local end of day), day by day.
import { isValidTimeZone } from '../../../engine/lifecycle/effective-dates.ts';
import { scheduleActions } from '../../../engine/lifecycle/schedule.ts';
import type { Command } from '../command.ts';
import { CliError, EXIT_OK, optionalString } from '../command.ts';
import { formatDiagnostic } from '../format.ts';
import { loadRunInputs } from '../inputs.ts';
import { renderScheduleJson, renderScheduleTable } from '../schedule-render.ts';
import type { ScheduleView } from '../schedule-render.ts';
import { runPlan } from '../run-plan.ts';

const FORMATS = ['table', 'json'] as const;
const DEFAULT_DAYS = 30;
const MAX_DAYS = 3660;

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'show what will happen when: scheduled actions by day (starts, terminations)',
  usage: `roster schedule --rules DIR --users FILE [--observed FILE] [--as-of ISO] [--days N] [--time-zone ZONE] [--format table|json]

Plans as \`roster simulate\` does, then lists the actions that carry \`notBefore\` (staging
N days before a start date, termination at the end of the worker's local day) that fall in the
next N days, grouped by day. Actions already due are shown on the first day.

  --rules DIR       rule files
  --users FILE      users (JSON array or CSV); \`startDate\`, \`terminationDate\`, \`timeZone\`
  --observed FILE   what the apps hold now (default: nothing)
  --as-of ISO       the schedule starts here (default: now)
  --days N          how many days to show, today included (default ${DEFAULT_DAYS})
  --time-zone ZONE  whose calendar days to group by (default: settings \`lifecycle.timeZone\`, else UTC);
                    each line also shows the worker's own local time
  --format FORMAT   \`table\` (default) or \`json\`: {"from", "days", "timeZone", "schedule": [{"date", "actions"}]}`,
  options: {
    rules: { type: 'string' },
    users: { type: 'string' },
    observed: { type: 'string' },
    'as-of': { type: 'string' },
    days: { type: 'string' },
    'time-zone': { type: 'string' },
    format: { type: 'string', short: 'f' },
  },
  maxPositionals: 0,
  run(args, io) {
    const format = optionalString(args, 'format') ?? 'table';
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`schedule: unknown format \`${format}\` (expected table or json)`);
    const days = parseDays(optionalString(args, 'days'));
    const inputs = loadRunInputs(args, io, 'schedule');
    const timeZone = optionalString(args, 'time-zone') ?? inputs.ruleSet.settings.lifecycle?.timeZone ?? 'UTC';
    if (!isValidTimeZone(timeZone)) throw new CliError(`schedule: unknown time zone \`${timeZone}\` (expected an IANA name such as \`Europe/Berlin\`)`);
    const { plan, diagnostics } = runPlan(inputs);
    const view: ScheduleView = { from: inputs.ctx.asOf, days, timeZone, schedule: scheduleActions(plan.actions, { from: inputs.ctx.asOf, days, timeZone }) };
    if (format === 'json') {
      io.out(renderScheduleJson(view));
    } else {
      io.out(renderScheduleTable(view, new Map(inputs.users.map((u) => [u.id, u])), inputs.ruleSet.settings.lifecycle?.timeZone ?? 'UTC'));
      for (const d of diagnostics) io.err(formatDiagnostic(d));
    }
    return EXIT_OK;
  },
};

function parseDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DAYS;
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > MAX_DAYS) throw new CliError(`schedule: \`--days\` must be a whole number from 1 to ${MAX_DAYS}, got \`${value}\``);
  return days;
}

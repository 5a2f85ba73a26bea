// `roster simulate`: the actions the rules would take for a population, as JSON or a table.
import type { Action, Plan } from '../../../engine/types.ts';
import type { Command } from '../command.ts';
import { CliError, EXIT_OK, optionalString } from '../command.ts';
import { formatDiagnostic, plural, table } from '../format.ts';
import { loadRunInputs } from '../inputs.ts';
import { runPlan } from '../run-plan.ts';

const FORMATS = ['table', 'json'] as const;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'show the actions the rules would take for a population',
  usage: `roster simulate --rules DIR --users FILE [--observed FILE] [--as-of ISO] [--format json|table]

  --rules DIR       rule files (as for \`roster check\`)
  --users FILE      users: a JSON array of profiles (each with \`id\`) or CSV with a header row
  --observed FILE   what the apps hold now: JSON {"accounts": [...], "memberships": [...]}
                    (default: nothing, so every desired account is a create)
  --as-of ISO       evaluate as of this date or instant (default: now)
  --format FORMAT   \`table\` (default): one line per action (with NOT BEFORE when one is
                    scheduled), then counts per app and type; a held plan says so first;
                    \`json\`: {"actions": [...], "version", "asOf", "held", "holds", "refused", "diagnostics"}`,
  options: {
    rules: { type: 'string' },
    users: { type: 'string' },
    observed: { type: 'string' },
    'as-of': { type: 'string' },
    format: { type: 'string', short: 'f' },
  },
  maxPositionals: 0,
  run(args, io) {
    const format = optionalString(args, 'format') ?? 'table';
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`simulate: unknown format \`${format}\` (expected json or table)`);
    const inputs = loadRunInputs(args, io, 'simulate');
    const { plan: result, diagnostics } = runPlan(inputs);
    const users = inputs.users;
    if (format === 'json') {
      const { actions, version, asOf, held, holds, refused } = result;
      io.out(JSON.stringify({ actions, version, asOf, held: held ?? false, holds, refused, diagnostics }, null, 2));
    } else {
      io.out(renderTable(result, users.length));
      for (const d of diagnostics) io.err(formatDiagnostic(d));
    }
    return EXIT_OK;
  },
};

function renderTable(result: Plan, userCount: number): string {
  const header = `${plural(result.actions.length, 'action')} for ${plural(userCount, 'user')} as of ${result.asOf} (rules ${result.version.slice(0, 12)})`;
  if (result.actions.length === 0) return `${header}\nnothing to do: the apps already match the rules`;
  // Scheduled actions (effective dates) say when; the column is shown only when one is scheduled.
  const scheduled = result.actions.some((a) => a.notBefore !== undefined);
  const rows = result.actions.map((a) => [a.type, a.userId ?? '', target(a), a.role ?? '', ...(scheduled ? [a.notBefore ?? 'now'] : []), a.reason.summary]);
  const columns = ['TYPE', 'USER', 'TARGET', 'ROLE', ...(scheduled ? ['NOT BEFORE'] : []), 'WHY'];
  return [header, ...safetyLines(result), '', table(columns, rows), '', countsTable(result.actions)].join('\n');
}

/** A held plan and refused actions are the first thing a reader must see. */
function safetyLines(result: Plan): string[] {
  const lines: string[] = [];
  if (result.held) {
    lines.push('HELD: this plan waits for approval:');
    for (const hold of result.holds ?? []) for (const reason of hold.reasons) lines.push(`  - ${reason}`);
  }
  if (result.refused && result.refused.length > 0) {
    lines.push(`REFUSED: ${plural(result.refused.length, 'action')} never carried out:`);
    for (const { action, reason } of result.refused) lines.push(`  - ${action.type} ${action.userId ?? action.groupId ?? ''} ${target(action)}: ${reason}`);
  }
  return lines;
}

/** Counts pivoted: one row per app or group, one column per action type present. */
function countsTable(actions: Action[]): string {
  const types = [...new Set(actions.map((a) => a.type))].sort();
  const counts = new Map<string, Map<string, number>>();
  for (const a of actions) {
    const key = target(a) || '(none)';
    const row = counts.get(key) ?? new Map<string, number>();
    row.set(a.type, (row.get(a.type) ?? 0) + 1);
    counts.set(key, row);
  }
  const keys = [...counts.keys()].sort();
  const rows = keys.map((key) => {
    const row = counts.get(key) ?? new Map<string, number>();
    const total = [...row.values()].reduce((sum, n) => sum + n, 0);
    return [key, ...types.map((t) => String(row.get(t) ?? 0)), String(total)];
  });
  const totals = types.map((t) => String(actions.filter((a) => a.type === t).length));
  rows.push(['total', ...totals, String(actions.length)]);
  return table(['TARGET', ...types, 'TOTAL'], rows, [false, ...types.map(() => true), true]);
}

function target(a: Action): string {
  if (a.appId !== undefined && a.groupId !== undefined) return `${a.appId}/${a.groupId}`;
  if (a.appId !== undefined) return a.appId;
  return a.groupId === undefined ? '' : `group:${a.groupId}`;
}

// Inputs shared by simulate and explain: compiled rules, users, observed state, asOf.
import { compileRules } from '../../engine/compile.ts';
import { makeContext } from '../../engine/context.ts';
import type { EvalContext, ObservedState, RuleSet, User } from '../../engine/types.ts';
import type { CliIo, ParsedArgs } from './command.ts';
import { CliError, optionalString, requireString } from './command.ts';
import { countBySeverity, formatDiagnostic, plural } from './format.ts';
import { loadObserved } from './load-observed.ts';
import { loadRulesDir } from './load-rules.ts';
import { loadUsers } from './load-users.ts';

export interface RunInputs {
  ruleSet: RuleSet;
  users: User[];
  usersFile: string;
  observed: ObservedState;
  ctx: EvalContext;
}

/**
 * Loads everything a simulation needs. Broken rules are reported on stderr and skipped
 * (as the engine does), so a simulation still shows what the healthy rules would do.
 */
export function loadRunInputs(args: ParsedArgs, io: CliIo, command: string): RunInputs {
  const rulesDir = requireString(args, 'rules', command);
  const usersFile = requireString(args, 'users', command);
  const ctx = parseAsOf(optionalString(args, 'as-of'), io);
  const { rules } = loadRulesDir(rulesDir, io.cwd);
  const { ruleSet, diagnostics } = compileRules(rules);
  const { errors } = countBySeverity(diagnostics);
  if (errors > 0) {
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    io.err(`roster: ${plural(errors, 'error')} in \`${rulesDir}\`: broken rules were skipped (run \`roster check ${rulesDir}\`)`);
  }
  const users = loadUsers(usersFile, ruleSet.settings.attributes ?? {}, io.cwd);
  const observedFile = optionalString(args, 'observed');
  const observed = observedFile === undefined ? { accounts: [], memberships: [] } : loadObserved(observedFile, io.cwd);
  return { ruleSet, users, usersFile, observed, ctx };
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/** `--as-of` as an instant; the default is now, read here: the engine never reads a clock. */
export function parseAsOf(value: string | undefined, io: CliIo): EvalContext {
  if (value === undefined) return makeContext(io.now().toISOString());
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
    throw new CliError(`--as-of \`${value}\` has no time zone: add \`Z\` or an offset like \`+02:00\``);
  }
  if (!ISO.test(value) || Number.isNaN(Date.parse(value)) || !sameCalendarDate(value)) {
    throw new CliError(`--as-of \`${value}\` is not an ISO-8601 date or instant (e.g. \`2026-03-01\` or \`2026-03-01T09:00:00Z\`)`);
  }
  return makeContext(value);
}

/** `Date.parse` rolls `2026-02-30` over to March; a typo should be an error, not a new date. */
function sameCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

// `roster diff`: the rules at a git revision against the rules in the work tree, simulated
// across one population, as a pull-request comment (markdown) or JSON.
import { compileRules } from '../../../engine/compile.ts';
import type { Command } from '../command.ts';
import { CliError, EXIT_OK, optionalString, requireString } from '../command.ts';
import { diffRuleSets } from '../diff.ts';
import { DEFAULT_DETAIL_LIMIT, renderJson, renderMarkdown } from '../diff-render.ts';
import type { DiffLabels } from '../diff-render.ts';
import { countBySeverity, formatDiagnostic, plural } from '../format.ts';
import { loadRulesAtRevision } from '../git-rules.ts';
import { parseAsOf } from '../inputs.ts';
import { loadObserved } from '../load-observed.ts';
import { loadRulesDir } from '../load-rules.ts';
import { loadUsers } from '../load-users.ts';

const FORMATS = ['markdown', 'json'] as const;

export const diffCommand: Command = {
  name: 'diff',
  summary: 'what a rule change does: the rules at a git revision vs the work tree, per app and user',
  usage: `roster diff --base REV [--rules DIR] --users FILE [--observed FILE] [--as-of ISO] [--format markdown|json] [--limit N]

Simulates the rules in DIR as they were at git revision REV and as they are in the work tree,
against the same users, observed state and time, and prints what changes: counts per app and
action type, then one line per changed action naming the rule that caused it.

  --base REV        git revision of the old rules (\`main\`, \`HEAD~1\`, a tag or a commit)
  --rules DIR       rule files (default \`rules\`), inside the git work tree
  --users FILE      users: a JSON array of profiles (each with \`id\`) or CSV with a header row
  --observed FILE   what the apps hold now (default: nothing)
  --as-of ISO       evaluate as of this date or instant (default: now)
  --format FORMAT   \`markdown\` (default): a pull-request comment;
                    \`json\`: {"base": {"version"}, "head": {"version"}, "summary": [...], "changes": [...]}
  --limit N         markdown: at most N per-user lines (default ${DEFAULT_DETAIL_LIMIT}; 0 for all)`,
  options: {
    base: { type: 'string' },
    rules: { type: 'string' },
    users: { type: 'string' },
    observed: { type: 'string' },
    'as-of': { type: 'string' },
    format: { type: 'string', short: 'f' },
    limit: { type: 'string' },
  },
  maxPositionals: 0,
  run(args, io) {
    const revision = requireString(args, 'base', 'diff');
    const usersFile = requireString(args, 'users', 'diff');
    const rulesDir = optionalString(args, 'rules') ?? 'rules';
    const format = optionalString(args, 'format') ?? 'markdown';
    if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`diff: unknown format \`${format}\` (expected markdown or json)`);
    const limit = parseLimit(optionalString(args, 'limit'));
    const ctx = parseAsOf(optionalString(args, 'as-of'), io);

    const old = loadRulesAtRevision(rulesDir, revision, io.cwd);
    if (!old.existed) io.err(`roster: warning: \`${rulesDir}\` did not exist at \`${revision}\`: every rule counts as new`);
    const base = compileRules(old.rules);
    const baseErrors = countBySeverity(base.diagnostics).errors;
    if (baseErrors > 0) io.err(`roster: warning: ${plural(baseErrors, 'error')} in \`${rulesDir}\` at \`${revision}\`: those rules were skipped on the base side`);

    const head = compileRules(loadRulesDir(rulesDir, io.cwd).rules);
    const headErrors = countBySeverity(head.diagnostics).errors;
    if (headErrors > 0) {
      for (const d of head.diagnostics) io.err(formatDiagnostic(d));
      io.err(`roster: ${plural(headErrors, 'error')} in \`${rulesDir}\`: broken rules were skipped (run \`roster check ${rulesDir}\`)`);
    }

    const users = loadUsers(usersFile, head.ruleSet.settings.attributes ?? {}, io.cwd);
    const observedFile = optionalString(args, 'observed');
    const observed = observedFile === undefined ? { accounts: [], memberships: [] } : loadObserved(observedFile, io.cwd);

    const diff = diffRuleSets({ base: base.ruleSet, head: head.ruleSet, users, observed, ctx });
    const labels: DiffLabels = { base: { revision, commit: old.commit }, head: { label: 'work tree' }, rulesDir };
    io.out(format === 'json' ? renderJson(diff, labels, head.diagnostics) : renderMarkdown(diff, labels, head.diagnostics, limit));
    return EXIT_OK;
  },
};

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DETAIL_LIMIT;
  if (!/^\d+$/.test(value)) throw new CliError(`diff: \`--limit\` must be a whole number, got \`${value}\``);
  return Number(value);
}

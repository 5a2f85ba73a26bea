// `roster check [DIR]`: compile every rule file and report every problem at once.
import { compileRules } from '../../../engine/compile.ts';
import type { Command } from '../command.ts';
import { EXIT_FAILED, EXIT_OK } from '../command.ts';
import { countBySeverity, formatDiagnostic, plural } from '../format.ts';
import { loadRulesDir } from '../load-rules.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate rule files; errors as file:line: code: message',
  usage: `roster check [DIR]

Reads every *.yaml, *.yml and *.json rule file under DIR (default \`rules/\`, recursively;
*.test.yaml and schema.json are not rule files), compiles them and prints each problem as
\`file:line: code: message\`. Exits 1 when there is any error, 0 otherwise.`,
  options: {},
  maxPositionals: 1,
  run(args, io) {
    const dir = args.positionals[0] ?? 'rules/';
    const { rules } = loadRulesDir(dir, io.cwd);
    const { ruleSet, diagnostics } = compileRules(rules);
    for (const d of diagnostics) io.out(formatDiagnostic(d));
    const { errors, warnings } = countBySeverity(diagnostics);
    const counts = `${plural(Object.keys(ruleSet.apps).length, 'app')}, ${plural(ruleSet.assignments.length, 'assignment rule')}, ${plural(ruleSet.groups.length, 'group rule')}`;
    io.out(`${plural(rules.length, 'file')} checked (${counts}): ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
    if (rules.length === 0) {
      io.err(`roster: no rule files (*.yaml, *.yml, *.json) under \`${dir}\``);
      return EXIT_FAILED;
    }
    return errors > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

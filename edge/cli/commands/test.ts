// `roster test [DIR]`: run the rule tests (`*.test.yaml`) against the rules beside them.
import { compileRules } from '../../../engine/compile.ts';
import { runRuleTests } from '../../../engine/testing.ts';
import type { Command } from '../command.ts';
import { EXIT_FAILED, EXIT_OK } from '../command.ts';
import { countBySeverity, formatDiagnostic } from '../format.ts';
import { loadRulesDir } from '../load-rules.ts';

export const testCommand: Command = {
  name: 'test',
  summary: 'run the rule tests (*.test.yaml); prints N passed, N failed',
  usage: `roster test [DIR]

Runs every rule test (*.test.yaml) under DIR (default \`rules/\`) against the rules in DIR.
Each failure shows the expected action, the closest actual one and how they differ. The
last line is \`N passed, N failed\`; exits 1 when any test fails or none is found.`,
  options: {},
  maxPositionals: 1,
  run(args, io) {
    const dir = args.positionals[0] ?? 'rules/';
    const { rules, tests } = loadRulesDir(dir, io.cwd);
    const { ruleSet, diagnostics } = compileRules(rules);
    if (countBySeverity(diagnostics).errors > 0) {
      for (const d of diagnostics) io.err(formatDiagnostic(d));
      io.err('roster: the rules have errors (see above); broken rules were skipped');
    }
    if (tests.length === 0) {
      io.err(`roster: no rule tests (*.test.yaml) under \`${dir}\``);
      io.out('0 passed, 0 failed');
      return EXIT_FAILED;
    }
    const { results } = runRuleTests(ruleSet, tests);
    let passed = 0;
    for (const result of results) {
      if (result.passed) {
        passed++;
        io.out(`ok    ${result.file}:${result.line}: ${result.name}`);
        continue;
      }
      io.out(`FAIL  ${result.file}:${result.line}: ${result.name}`);
      for (const failure of result.failures) io.out(indent(failure, '      '));
    }
    const failed = results.length - passed;
    io.out(`${passed} passed, ${failed} failed`);
    return failed > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

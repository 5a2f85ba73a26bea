// `roster import FILE`: an HR file (CSV or JSON; `--incremental` for a changes file) into the
// configured database, then planned against the active rules. Every invalid record is printed
// as `FILE:LINE: message`; with any, nothing is imported (unless `--skip-invalid`) and the exit
// code is 1. A progress bar goes to stderr when it is a terminal.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ImportResult } from '../../import/run.ts';
import type { CliIo, Command } from '../command.ts';
import { CliError, EXIT_FAILED, EXIT_OK, optionalString } from '../command.ts';
import type { Diagnostic } from '../../../engine/types.ts';
import { formatDiagnostic, plural } from '../format.ts';
import { loadRulesDir } from '../load-rules.ts';
import { readInputFile } from '../load-users.ts';
import { DB_USAGE, dbOption, withDatabase } from './db-option.ts';
import { progressBar } from './progress.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'import an HR file of workers (or of changes) and plan what it changes',
  usage: `roster import FILE [--incremental] [--skip-invalid] [--no-plan] [--rules DIR] [--db URL]

FILE is CSV with a header row (\`address.city\` columns nest) or a JSON array of workers: id,
firstName, lastName, email, and any profile attributes (status, startDate and terminationDate as
YYYY-MM-DD, timeZone as an IANA name). Every record is checked first; problems are printed as
FILE:LINE: message and, unless --skip-invalid, nothing is imported. Exit 1 when any record failed.

  --incremental     FILE holds changes: \`op\` is upsert (only the attributes sent change) or
                    terminate (by id; with terminationDate, at the worker's local midnight)
  --skip-invalid    import the valid records of a file that has invalid ones
  --no-plan         do not plan the imported identities
  --rules DIR       rules to activate when the database has no active rule set (default rules)
${DB_USAGE}`,
  options: { incremental: { type: 'boolean' }, 'skip-invalid': { type: 'boolean' }, 'no-plan': { type: 'boolean' }, rules: { type: 'string' }, ...dbOption },
  maxPositionals: 1,
  async run(args, io) {
    const [file] = args.positionals;
    if (file === undefined) throw new CliError('import: missing FILE (a csv or json file of workers)');
    const text = readInputFile(file, 'import', io.cwd);
    const rulesDir = optionalString(args, 'rules');
    if (rulesDir !== undefined) loadRulesDir(rulesDir, io.cwd); // a mistyped DIR is named even when the database has rules
    const ctx = { at: io.now().toISOString(), actor: 'cli' };
    const [{ importWorkers }, { activeRules }, { saveRuleSet }, { compileRules }, { createRuntime }] = await Promise.all([
      import('../../import/service.ts'),
      import('../../jit/active-rules.ts'),
      import('../../db/repos/rule-sets.ts'),
      import('../../../engine/compile.ts'),
      import('../../runtime.ts'),
    ]);
    const bar = process.stderr.isTTY ? progressBar(process.stderr) : undefined;
    const result = await withDatabase(args, io, 'import', async (db) => {
      if (!(await activeRules(db))) {
        // The default `rules/` may be absent (nothing is planned); a `--rules DIR` given must be there.
        const dir = rulesDir ?? 'rules';
        if (rulesDir !== undefined || existsSync(resolve(io.cwd, dir))) {
          const files = loadRulesDir(dir, io.cwd).rules;
          const compiled = compileRules(files);
          // As `POST /v1/rule-sets` does: rules with errors are never activated.
          const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
          if (errors.length > 0) {
            throw new CliError(`import: rules \`${dir}\` have ${plural(errors.length, 'error')} (first: ${formatDiagnostic(errors[0] as Diagnostic)}); nothing was imported (see \`roster check ${dir}\`)`);
          }
          await saveRuleSet(db, { version: compiled.ruleSet.version, files, source: dir }, ctx, { activate: true });
          io.err(`no active rule set: activated \`${dir}\``);
        }
      }
      try {
        // The CLI's runtime: its clock is the command's, its log stays quiet (the summary says it all).
        const runtime = await createRuntime({ db, now: () => ctx.at, log: () => {} });
        return await importWorkers(
          runtime,
          {
            runId: crypto.randomUUID(),
            text,
            fileName: file,
            mode: args.values.incremental === true ? 'incremental' : 'full',
            skipInvalid: args.values['skip-invalid'] === true,
            plan: args.values['no-plan'] !== true,
            ...(bar ? { onProgress: bar.update } : {}),
          },
          ctx,
        );
      } finally {
        bar?.done();
      }
    });
    report(file, result, io);
    return result.run.status === 'failed' || result.errors.length > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

/** What an import did, as printed: each problem by line (a problem of the whole file has none), then one summary. */
export function report(file: string, result: ImportResult, io: Pick<CliIo, 'out' | 'err'>): void {
  for (const error of result.errors) io.err(error.line > 0 ? `${file}:${error.line}: ${error.message}` : `${file}: ${error.message}`);
  const { run } = result;
  if (run.status === 'failed') {
    // A file that could not be read as records has no valid ones to skip to; a batch that lost a
    // race (identities changed while importing, again and again) has no invalid ones to fix.
    const why =
      run.total === 0
        ? 'no records could be read; nothing was imported'
        : run.failed === 0
          ? 'nothing was imported; run it again'
          : `${run.failed} of ${run.total} records invalid; nothing was imported (fix them, or use --skip-invalid)`;
    io.out(`import ${run.id}: refused ${file}: ${why}`);
    return;
  }
  const planned = result.plan ? `; planned run ${result.plan.runId}: ${result.plan.actions} action${result.plan.actions === 1 ? '' : 's'}${result.plan.held ? ' (held for approval)' : ''}` : '';
  io.out(`import ${run.id}: ${run.created} created, ${run.updated} updated, ${result.unchanged} unchanged, ${run.failed} invalid of ${run.total} records${planned}`);
}

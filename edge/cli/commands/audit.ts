// `roster audit verify`: walk the hash-chained audit log and name the first tampered row.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '../command.ts';
import { CliError, EXIT_FAILED, EXIT_OK, optionalString } from '../command.ts';
import { DB_USAGE, dbOption, withDatabase } from './db-option.ts';

type Anchor = { seq: number; hash: string };

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the audit log: find edited, inserted or deleted rows',
  usage: `roster audit verify [--anchor SEQ:HASH | --anchor-file PATH] [--db URL]

Checks every row of the audit log against its hash and its predecessor. Prints \`audit log ok\`
with the head (\`SEQ:HASH\`; keep it elsewhere as an anchor) and exits 0, or prints the first
broken row and what is wrong with it and exits 1. A chain cannot show rows cut from its end by
itself: an anchor, a head recorded earlier outside the database, can.

  --anchor SEQ:HASH   a head printed by an earlier run: also detects rows deleted from the end
  --anchor-file PATH  checks against the head in PATH (when it exists) and, when the log is
                      ok, records the new head there: run it on a schedule with PATH on other
                      storage than the database
${DB_USAGE}`,
  options: { anchor: { type: 'string' }, 'anchor-file': { type: 'string' }, ...dbOption },
  maxPositionals: 1,
  async run(args, io) {
    const [action] = args.positionals;
    if (action !== 'verify') throw new CliError(action === undefined ? 'audit: missing action (verify)' : `audit: unknown action \`${action}\` (expected verify)`);
    const anchorFile = optionalString(args, 'anchor-file');
    const given = optionalString(args, 'anchor');
    if (given !== undefined && anchorFile !== undefined) throw new CliError('audit verify: give `--anchor` or `--anchor-file`, not both');
    const anchor = anchorFile === undefined ? parseAnchor(given, '`--anchor`') : readAnchorFile(anchorFile, io.cwd);
    // Loaded on use, so other commands do not pay for the database modules.
    const { verifyAudit } = await import('../../audit/verify.ts');
    const verdict = await withDatabase(args, io, 'audit verify', (db) => verifyAudit(db, anchor ? { anchor } : {}), { existing: true });
    if (verdict.ok) {
      const { seq, hash } = verdict.head;
      if (anchorFile !== undefined) writeAnchorFile(anchorFile, io.cwd, `${seq}:${hash}\n`);
      const recorded = anchorFile === undefined ? '' : `; recorded in ${anchorFile}`;
      io.out(`audit log ok: ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'}, head ${seq}:${hash}${recorded}`);
      return EXIT_OK;
    }
    const { problem } = verdict;
    io.out(`audit log broken at row ${problem.seq} (${problem.kind}): ${problem.message}; ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'} before it verified`);
    return EXIT_FAILED;
  },
};

function parseAnchor(text: string | undefined, where: string): Anchor | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new CliError(`audit verify: ${where} must be SEQ:HASH as printed by \`roster audit verify\`, got \`${JSON.stringify(text).slice(1, -1).slice(0, 80)}\``);
  return { seq: Number(match[1]), hash: match[2] as string };
}

/** The recorded head, or none on the first run (no file yet). */
function readAnchorFile(path: string, cwd: string): Anchor | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CliError(`audit verify: cannot read anchor file \`${path}\`: ${code ?? 'unknown error'}`);
  }
  return parseAnchor(text.trim(), `anchor file \`${path}\``);
}

/** Written beside and renamed over, so a crash never leaves half a head. */
function writeAnchorFile(path: string, cwd: string, text: string): void {
  const full = resolve(cwd, path);
  try {
    writeFileSync(`${full}.tmp`, text);
    renameSync(`${full}.tmp`, full);
  } catch (error) {
    throw new CliError(`audit verify: the log is ok but anchor file \`${path}\` cannot be written: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
  }
}

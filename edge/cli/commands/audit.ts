// `roster audit verify`: walk the hash-chained audit log and name the first tampered row.
import type { Command } from '../command.ts';
import { CliError, EXIT_FAILED, EXIT_OK, optionalString } from '../command.ts';
import { DB_USAGE, dbOption, withDatabase } from './db-option.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the audit log: find edited, inserted or deleted rows',
  usage: `roster audit verify [--anchor SEQ:HASH] [--db URL]

Checks every row of the audit log against its hash and its predecessor. Prints \`audit log ok\`
with the head (\`SEQ:HASH\`; keep it elsewhere as an anchor) and exits 0, or prints the first
broken row and what is wrong with it and exits 1.

  --anchor SEQ:HASH a head printed by an earlier run: also detects rows deleted from the end
${DB_USAGE}`,
  options: { anchor: { type: 'string' }, ...dbOption },
  maxPositionals: 1,
  async run(args, io) {
    const [action] = args.positionals;
    if (action !== 'verify') throw new CliError(action === undefined ? 'audit: missing action (verify)' : `audit: unknown action \`${action}\` (expected verify)`);
    const anchor = parseAnchor(optionalString(args, 'anchor'));
    // Loaded on use, so other commands do not pay for the database modules.
    const { verifyAudit } = await import('../../audit/verify.ts');
    const verdict = await withDatabase(args, io, 'audit verify', (db) => verifyAudit(db, anchor ? { anchor } : {}), { existing: true });
    if (verdict.ok) {
      io.out(`audit log ok: ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'}, head ${verdict.head.seq}:${verdict.head.hash}`);
      return EXIT_OK;
    }
    const { problem } = verdict;
    io.out(`audit log broken at row ${problem.seq} (${problem.kind}): ${problem.message}; ${verdict.rows} ${verdict.rows === 1 ? 'row' : 'rows'} before it verified`);
    return EXIT_FAILED;
  },
};

function parseAnchor(text: string | undefined): { seq: number; hash: string } | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match) throw new CliError(`audit verify: \`--anchor\` must be SEQ:HASH as printed by \`roster audit verify\`, got \`${text}\``);
  return { seq: Number(match[1]), hash: match[2] as string };
}

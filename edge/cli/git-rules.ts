// Reads a rules directory as it was at a git revision, for `roster diff`. git runs through
// execFile (no shell, so no quoting of user input); all blobs come from one `git cat-file
// --batch` process instead of one `git show` per file.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { SourceFile } from '../../engine/types.ts';
import { CliError } from './command.ts';
import { fileRole } from './load-rules.ts';

export interface RulesAtRevision {
  /** The commit the revision resolved to. */
  commit: string;
  /** Rule documents (tests and non-rule files left out), paths as `dir/…` like `loadRulesDir`. */
  rules: SourceFile[];
  /** False when the directory did not exist at that revision (every rule is then new). */
  existed: boolean;
}

interface GitRun {
  cwd: string;
  input?: string;
}

function git(args: string[], run: GitRun): Buffer {
  try {
    return execFileSync('git', args, { cwd: run.cwd, input: run.input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer; status?: number };
    if (e.code === 'ENOENT') throw new CliError('diff: `git` was not found on PATH (roster diff reads rules from git)');
    const stderr = e.stderr?.toString('utf8').trim() ?? '';
    throw new GitFailure(stderr.split('\n')[0] ?? '', e.status ?? undefined);
  }
}

class GitFailure extends Error {
  constructor(
    readonly stderr: string,
    readonly status: number | undefined,
  ) {
    super(stderr);
  }
}

/** The top of the work tree `cwd` is in; a clear error outside one. */
export function gitTopLevel(cwd: string): string {
  try {
    return git(['rev-parse', '--show-toplevel'], { cwd }).toString('utf8').trim();
  } catch (error) {
    if (error instanceof GitFailure) throw new CliError(`diff: \`${cwd}\` is not inside a git repository (roster diff compares the rules at a git revision with the work tree)`);
    throw error;
  }
}

/** The commit `revision` names; a clear error when git does not know it. */
export function resolveRevision(revision: string, top: string): string {
  if (revision === '' || revision.startsWith('-')) throw new CliError(`diff: \`${revision}\` is not a git revision`);
  try {
    return git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { cwd: top }).toString('utf8').trim();
  } catch (error) {
    if (error instanceof GitFailure) throw new CliError(`diff: unknown git revision \`${revision}\` (try a branch, a tag or a commit, e.g. \`main\` or \`HEAD~1\`)`);
    throw error;
  }
}

/** The rule documents under `dir` (as typed, relative to `cwd`) at `revision`. */
export function loadRulesAtRevision(dir: string, revision: string, cwd: string): RulesAtRevision {
  const top = gitTopLevel(cwd);
  const commit = resolveRevision(revision, top);
  const inRepo = relative(top, resolve(realpathSync(cwd), dir));
  if (inRepo.startsWith('..') || isAbsolute(inRepo)) throw new CliError(`diff: rules directory \`${dir}\` is outside the git repository at \`${top}\``);
  const prefix = inRepo === '' ? '' : `${inRepo}/`;

  // `-z`: names exactly as stored, whatever their characters. Entries: `mode type sha\tpath\0`.
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', inRepo === '' ? '.' : inRepo], { cwd: top }).toString('utf8');
  const blobs: { sha: string; path: string }[] = [];
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [mode, type, sha] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    // Symlinks (120000) and submodules are not rule files; neither is anything outside `dir`.
    if (type !== 'blob' || mode === '120000' || sha === undefined || !path.startsWith(prefix)) continue;
    const inDir = path.slice(prefix.length);
    if (fileRole(inDir) === 'rule') blobs.push({ sha, path: join(dir, inDir) });
  }
  const existed = listing.length > 0;
  if (blobs.length === 0) return { commit, rules: [], existed };
  const texts = readBlobs(blobs.map((b) => b.sha), top);
  const rules = blobs.map((blob, i) => ({ path: blob.path, text: texts[i] ?? '' }));
  rules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { commit, rules, existed };
}

/** Blob contents, in order, through one `git cat-file --batch`: `sha type size\n<bytes>\n` each. */
function readBlobs(shas: string[], top: string): string[] {
  const out = git(['cat-file', '--batch'], { cwd: top, input: `${shas.join('\n')}\n` });
  const texts: string[] = [];
  let at = 0;
  for (const sha of shas) {
    const newline = out.indexOf(10, at);
    const header = out.subarray(at, newline).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (newline === -1 || !Number.isInteger(size)) throw new Error(`git cat-file gave no content for blob ${sha}: \`${header}\``);
    texts.push(out.subarray(newline + 1, newline + 1 + size).toString('utf8'));
    at = newline + 1 + size + 1;
  }
  return texts;
}

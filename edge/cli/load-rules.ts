// Reads a rules directory from disk into SourceFiles: rule documents and `*.test.yaml` tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { SourceFile } from '../../engine/types.ts';
import { CliError } from './command.ts';

export interface RulesDir {
  rules: SourceFile[];
  tests: SourceFile[];
}

const RULE_FILE = /\.(ya?ml|json)$/i;
const TEST_FILE = /\.test\.(ya?ml|json)$/i;
/** The generated JSON Schema sits beside the rules for editors; it is not a rule document. */
const NOT_RULES = /(^|\.)schema\.json$/i;

/**
 * Every rule and test file under `dir`, recursively, sorted by path so output is stable.
 * Paths keep the prefix the user typed, so diagnostics read `rules/apps/github.yaml:3`.
 */
export function loadRulesDir(dir: string, cwd: string): RulesDir {
  const root = resolve(cwd, dir);
  let stat;
  try {
    stat = statSync(root);
  } catch {
    throw new CliError(`rules directory \`${dir}\` does not exist`);
  }
  if (!stat.isDirectory()) throw new CliError(`\`${dir}\` is not a directory`);
  const rules: SourceFile[] = [];
  const tests: SourceFile[] = [];
  for (const full of walk(root)) {
    const role = fileRole(relative(root, full));
    if (role === undefined) continue;
    const file = { path: join(dir, relative(root, full)), text: readFileSync(full, 'utf8') };
    (role === 'test' ? tests : rules).push(file);
  }
  return { rules, tests };
}

/** What a file under a rules directory is, by its path: a rule document, a rule test, or neither. */
export function fileRole(path: string): 'rule' | 'test' | undefined {
  const parts = path.split('/');
  if (parts.some((part) => part.startsWith('.') || part === 'node_modules')) return undefined;
  const name = parts[parts.length - 1] ?? '';
  if (TEST_FILE.test(name)) return 'test';
  if (RULE_FILE.test(name) && !NOT_RULES.test(name)) return 'rule';
  return undefined;
}

function walk(dir: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}

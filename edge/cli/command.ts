// What every `roster` command is: a name, its options for node:util parseArgs, and a run
// function over parsed values that returns an exit code. Usage problems are `CliError`s.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes. Tests pass buffers; `main` passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The current time, read once per run: only the CLI reads the clock, never the engine. */
  now(): Date;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines shown by `roster help NAME`. */
  usage: string;
  options: OptionSpec;
  maxPositionals: number;
  run(args: ParsedArgs, io: CliIo): Promise<number> | number;
}

/** A problem with what the user gave us (flags, files): one line, exit code 2. */
export class CliError extends Error {
  override name = 'CliError';
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Strict parsing: unknown flags and stray positionals are usage errors, not ignored. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${command.name}: ${describeParseError(error)}`);
  }
  if (parsed.positionals.length > command.maxPositionals) {
    const extra = parsed.positionals.slice(command.maxPositionals).map((p) => `\`${p}\``).join(', ');
    throw new CliError(`${command.name}: unexpected argument ${extra} (see \`roster help ${command.name}\`)`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // node's messages are long and end in advice about `--` on further lines; keep the first
  // sentence of the first line, lowercased.
  const first = ((message.split('\n')[0] ?? message).split('. ')[0] ?? message).replace(/\.$/, '');
  const unknown = /Unknown option '([^']+)'/.exec(first);
  if (unknown) return `unknown option \`${unknown[1]}\``;
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(first);
  if (missing) return `option \`${missing[1]}\` needs a value`;
  // `--name --db x`: node will not take an option-like word as a value.
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument is ambiguous/.exec(first);
  if (ambiguous) return `option \`${ambiguous[1]}\` needs a value (for one that starts with \`-\`, write \`${ambiguous[1]}=-VALUE\`)`;
  return first.charAt(0).toLowerCase() + first.slice(1);
}

export function requireString(args: ParsedArgs, name: string, command: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`${command}: missing required option \`--${name}\``);
  return value;
}

export function optionalString(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

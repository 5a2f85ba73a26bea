// `roster`: the command line. bin/roster.mjs calls `main(argv)` and exits with its result.
// Usage problems and bad input files print one line and exit 2; no stack traces.
import type { CliIo, Command } from './command.ts';
import { CliError, EXIT_OK, EXIT_USAGE, parseCommandArgs } from './command.ts';
import { commands, findCommand } from './commands/index.ts';

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'roster: provisioning rules in git, checked, tested, simulated and explained',
    '',
    'usage: roster <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  show help for a command: roster help <command>`,
    '',
    'exit codes: 0 ok, 1 check or tests failed, 2 bad usage or input',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `usage: ${command.usage}`;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      io.out(usage());
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === 'help') return help(rest, io);
    const command = findCommand(name);
    if (!command) throw new CliError(`unknown command \`${name}\` (commands: ${commands.map((c) => c.name).join(', ')}; see \`roster --help\`)`);
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      io.out(commandHelp(command));
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`roster: ${error.message}`);
      return EXIT_USAGE;
    }
    // A bug of ours: still one line, with where to report it, never a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    io.err(`roster: internal error: ${message.split('\n')[0] ?? message} (please report it with the command you ran)`);
    return EXIT_USAGE;
  }
}

function help(rest: string[], io: CliIo): number {
  const [topic, ...extra] = rest;
  if (topic === undefined) {
    io.out(usage());
    return EXIT_OK;
  }
  if (extra.length > 0) throw new CliError(`help: unexpected argument \`${extra[0]}\``);
  const command = findCommand(topic);
  if (!command) throw new CliError(`help: unknown command \`${topic}\` (commands: ${commands.map((c) => c.name).join(', ')})`);
  io.out(commandHelp(command));
  return EXIT_OK;
}

function processIo(): CliIo {
  // `roster simulate … | head` closes the pipe early: that is the reader being done, not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    now: () => new Date(),
    cwd: process.cwd(),
  };
}

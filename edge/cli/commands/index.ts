// The command registry: `main` dispatches by name and `help` lists from here.
import type { Command } from '../command.ts';
import { agentCommand } from './agent.ts';
import { auditCommand } from './audit.ts';
import { checkCommand } from './check.ts';
import { diffCommand } from './diff.ts';
import { explainCommand } from './explain.ts';
import { importCommand } from './import.ts';
import { scheduleCommand } from './schedule.ts';
import { simulateCommand } from './simulate.ts';
import { testCommand } from './test.ts';
import { tokenCommand } from './token.ts';

export const commands: readonly Command[] = [checkCommand, testCommand, simulateCommand, explainCommand, tokenCommand, auditCommand, importCommand, diffCommand, scheduleCommand, agentCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}

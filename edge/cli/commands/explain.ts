// `roster explain`: why one user gets (or loses) each account and group: the why-tree.
import { explainUser, renderExplain } from '../../../engine/explain.ts';
import type { Command } from '../command.ts';
import { CliError, EXIT_OK, requireString } from '../command.ts';
import { loadRunInputs } from '../inputs.ts';

export const explainCommand: Command = {
  name: 'explain',
  summary: "print why one user gets each account and group (the why-tree)",
  usage: `roster explain --rules DIR --users FILE --user ID [--observed FILE] [--as-of ISO]

  --rules DIR       rule files
  --users FILE      users (JSON array or CSV), as for \`roster simulate\`
  --user ID         the user to explain
  --observed FILE   what the apps hold now (default: nothing)
  --as-of ISO       evaluate as of this date or instant (default: now)`,
  options: {
    rules: { type: 'string' },
    users: { type: 'string' },
    user: { type: 'string', short: 'u' },
    observed: { type: 'string' },
    'as-of': { type: 'string' },
  },
  maxPositionals: 0,
  run(args, io) {
    const userId = requireString(args, 'user', 'explain');
    const { ruleSet, users, usersFile, observed, ctx } = loadRunInputs(args, io, 'explain');
    const user = users.find((u) => u.id === userId);
    if (!user) throw new CliError(`explain: no user with id \`${userId}\` in \`${usersFile}\``);
    io.out(renderExplain(explainUser(ruleSet, user, observed, ctx)).replace(/\n+$/, ''));
    return EXIT_OK;
  },
};

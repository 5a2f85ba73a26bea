// `roster agent --edge URL --token TOKEN --config FILE`: the on-prem directory agent. Runs until
// SIGINT/SIGTERM; an action being applied when the signal comes is finished and reported first.
import type { Command } from '../command.ts';
import { CliError, EXIT_FAILED, EXIT_OK, optionalString, requireString } from '../command.ts';

export const agentCommand: Command = {
  name: 'agent',
  summary: 'run the directory agent: pull actions from the edge, apply them to LDAP/AD, push imports',
  usage: `roster agent --edge URL --token TOKEN --config FILE [--wait SECONDS] [--lease SECONDS] [--import full|incremental [--since CURSOR]]

  --edge URL        the Roster edge (e.g. https://roster.example.com)
  --token TOKEN     an \`agent\` token (\`roster token create --scope agent\`); or ROSTER_AGENT_TOKEN
  --config FILE     the agent config (YAML/JSON): app, directory (url, bindDN, secretEnv or
                    secretFile, tls), users and groups (base, rdn, container, map, key, disable)
  --wait SECONDS    how long the edge holds a poll open (default 25)
  --lease SECONDS   after this long without a result the edge hands an action out again (default 300)
  --import MODE     read the directory once (full, or incremental from --since: modifyTimestamp
                    on OpenLDAP, uSNChanged on AD; without --since, from the cursor the edge
                    kept from the last healthy import), push it to the edge with the new
                    cursor, print the summary and the cursor, and exit (1 when the read
                    failed: the failed read is pushed as such and changes nothing)`,
  options: { edge: { type: 'string' }, token: { type: 'string' }, config: { type: 'string' }, wait: { type: 'string' }, lease: { type: 'string' }, import: { type: 'string' }, since: { type: 'string' } },
  maxPositionals: 0,
  async run(args, io) {
    const edge = requireString(args, 'edge', 'agent');
    const token = optionalString(args, 'token') ?? process.env.ROSTER_AGENT_TOKEN;
    if (!token) throw new CliError('agent: `--token` (or ROSTER_AGENT_TOKEN) is required');
    const file = requireString(args, 'config', 'agent');
    const seconds = (name: string, fallback: number) => {
      const raw = optionalString(args, name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`agent: \`--${name}\` must be a whole number of seconds, not \`${raw}\``);
      return n;
    };
    const waitSeconds = seconds('wait', 25);
    const leaseSeconds = seconds('lease', 300);
    const mode = optionalString(args, 'import');
    if (mode !== undefined && mode !== 'full' && mode !== 'incremental') throw new CliError(`agent: \`--import\` is full or incremental, not \`${mode}\``);
    const { loadAgentConfig } = await import('../../agent/config.ts');
    const loaded = loadAgentConfig(file);
    if (!loaded.ok) {
      io.err(loaded.error);
      return EXIT_FAILED;
    }
    const { createDirectory } = await import('../../agent/directory.ts');
    const { createAgent } = await import('../../agent/agent.ts');
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const directory = createDirectory(loaded.config, loaded.secret, loaded.ca);
    const agent = createAgent({
      edge,
      token,
      config: loaded.config,
      directory,
      waitSeconds,
      leaseSeconds,
      signal: controller.signal,
      log: (line) => io.out(JSON.stringify(line)),
    });
    try {
      if (mode !== undefined) {
        const pushed = await agent.importOnce(mode, optionalString(args, 'since'));
        io.out(JSON.stringify({ entries: pushed.entries, readMs: Math.round(pushed.readMs), ...(pushed.since ? { since: pushed.since } : {}), ...(pushed.cursor ? { cursor: pushed.cursor } : {}), summary: pushed.summary }));
        const summary = pushed.summary as { health?: string; error?: string };
        if (summary.health !== 'failed') return EXIT_OK;
        io.err(`agent: import: ${summary.error ?? 'the directory read failed'}`);
        return EXIT_FAILED;
      }
      await agent.run();
      io.out(JSON.stringify({ level: 'info', msg: 'agent stopped', ...agent.stats }));
      return EXIT_OK;
    } catch (error) {
      io.err(`agent: ${mode !== undefined ? 'import: ' : ''}${error instanceof Error ? error.message : String(error)}`);
      return EXIT_FAILED;
    } finally {
      // Nothing waits on the controller any more: a later signal takes its default course.
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await directory.close();
    }
  },
};

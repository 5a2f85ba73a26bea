// `roster token create|list|revoke`: manage the API's bearer tokens in the configured database.
// The token module (and the database driver) load on first use, so other commands start fast.
import { TOKEN_SCOPES, isTokenScope } from '../../auth/scopes.ts';
import type { Command } from '../command.ts';
import { CliError, EXIT_OK, optionalString, requireString } from '../command.ts';
import { table } from '../format.ts';
import { DB_USAGE, dbOption, withDatabase } from './db-option.ts';

/** As the API's token schema (edge/routes/tokens.ts). */
const MAX_TEXT = 200;

export const tokenCommand: Command = {
  name: 'token',
  summary: `create, list or revoke API tokens (${TOKEN_SCOPES.join(', ')})`,
  usage: `roster token create --scope SCOPE [--name NAME] [--source ID] [--db URL]
       roster token list [--db URL]
       roster token revoke ID [--db URL]

  create            makes a token and prints it on the LAST line; it is shown only once
                    (the database keeps its sha256)
  --scope SCOPE     ${TOKEN_SCOPES.join(', ')}
  --name NAME       a label for \`roster token list\`
  --source ID       binds a scim token to one source
  revoke            refuses the last active admin token (create another one first)
${DB_USAGE}`,
  options: { scope: { type: 'string' }, name: { type: 'string' }, source: { type: 'string' }, ...dbOption },
  maxPositionals: 2,
  async run(args, io) {
    const [action, id] = args.positionals;
    const ctx = { at: io.now().toISOString(), actor: 'cli' };
    const { createToken, listTokens, revokeToken } = await import('../../auth/tokens.ts');
    if (action === 'create') {
      if (id !== undefined) throw new CliError(`token create: unexpected argument \`${id}\``);
      const scope = requireString(args, 'scope', 'token create');
      if (!isTokenScope(scope)) throw new CliError(`token create: unknown scope \`${scope}\` (expected ${TOKEN_SCOPES.join(', ')})`);
      const sourceId = optionalString(args, 'source');
      if (sourceId !== undefined && scope !== 'scim') throw new CliError('token create: `--source` binds scim tokens only');
      // The limits `POST /v1/tokens` sets: an empty `--source` would bind the token to a source named ``.
      if (sourceId !== undefined && (sourceId === '' || sourceId.length > MAX_TEXT)) throw new CliError(`token create: \`--source\` must be 1 to ${MAX_TEXT} characters`);
      const name = optionalString(args, 'name')?.trim();
      if (name !== undefined && (name === '' || name.length > MAX_TEXT)) throw new CliError(`token create: \`--name\` must be 1 to ${MAX_TEXT} characters (leave it out for \`${scope} token\`)`);
      const created = await withDatabase(args, io, 'token create', (db) => createToken(db, { scope, ...(name ? { name } : {}), sourceId }, ctx));
      io.out(`created ${scope} token ${created.info.id} (${created.info.name}); it is shown only once:`);
      io.out(created.token);
      return EXIT_OK;
    }
    if (action === 'list') {
      if (id !== undefined) throw new CliError(`token list: unexpected argument \`${id}\``);
      const rows = await withDatabase(args, io, 'token list', (db) => listTokens(db), { existing: true });
      if (rows.length === 0) {
        io.out('no tokens (create one with `roster token create --scope admin`)');
        return EXIT_OK;
      }
      io.out(table(['id', 'name', 'scope', 'source', 'created', 'last used', 'revoked'], rows.map((t) => [t.id, t.name, t.scope, t.sourceId ?? '', t.createdAt, t.lastUsedAt ?? '', t.revokedAt ?? ''])));
      return EXIT_OK;
    }
    if (action === 'revoke') {
      if (id === undefined) throw new CliError('token revoke: missing token id (see `roster token list`)');
      const result = await withDatabase(args, io, 'token revoke', (db) => revokeToken(db, id, ctx, { keepAnAdmin: true }), { existing: true });
      if (!result.ok) throw new CliError(`token revoke: ${result.message}`);
      io.out(`revoked ${result.value.id} (${result.value.name})`);
      return EXIT_OK;
    }
    throw new CliError(action === undefined ? 'token: missing action (create, list or revoke)' : `token: unknown action \`${action}\` (expected create, list or revoke)`);
  },
};

// The SCIM 2.0 client connector (RFC 7643/7644): accounts, passwords and group push by action
// type, and a paginated read of the app for imports and drift.
import type { Connector, ConnectorDefinition } from '../types.ts';
import { failure } from '../types.ts';
import { dispatchSettings } from '../settings.ts';
import { createScimClient } from './client.ts';
import type { ScimConfig } from './config.ts';
import { scimConfigSchema } from './config.ts';
import { groupHandlers } from './groups.ts';
import { readApp } from './read.ts';
import type { ScimContext } from './users.ts';
import { accountHandlers } from './users.ts';

const handlers = { ...accountHandlers, ...groupHandlers };

export const scimConnector: ConnectorDefinition<ScimConfig> = {
  kind: 'scim',
  config: scimConfigSchema,
  create(config, deps): Connector {
    const client = createScimClient(config, { fetch: deps.fetch, nowMs: () => Date.parse(deps.now()), timeoutMs: dispatchSettings(config).timeoutMs });
    const ctx: ScimContext = { client, matchAttribute: config.matchAttribute ?? 'userName' };
    return {
      async apply(input) {
        const handler = handlers[input.action.type];
        if (!handler) return failure(`a scim app cannot carry out \`${input.action.type}\``, false);
        if (input.action.type.startsWith('account.') || input.action.type === 'password.set') {
          if (input.action.userId === undefined) return failure(`\`${input.action.type}\` without a user`, false);
        } else if (input.action.groupId === undefined) return failure(`\`${input.action.type}\` without a group`, false);
        return handler(ctx, input);
      },
      read: () => readApp(client, config.pageSize ?? 100),
    };
  },
};

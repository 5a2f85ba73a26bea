// The generic web-service connector: each action type is one templated HTTP request from the
// app file. Creates look the account up first (when `lookup` is configured), and every request
// carries the action id as `Idempotency-Key` for apps that honour it.
import type { Json } from '../../../engine/types.ts';
import { send, statusFailure } from '../http.ts';
import { dispatchSettings } from '../settings.ts';
import type { ApplyInput, ApplyResult, Connector, ConnectorDefinition, ConnectorFailure } from '../types.ts';
import { already, applied, failure } from '../types.ts';
import type { Endpoint, RestConfig } from './config.ts';
import { restConfigSchema } from './config.ts';
import { pick, renderBody, renderPath } from './template.ts';

const STATUS: Partial<Record<string, 'active' | 'suspended' | 'deactivated'>> = {
  'account.create': 'active',
  'account.reactivate': 'active',
  'account.suspend': 'suspended',
  'account.deactivate': 'deactivated',
};

export const restConnector: ConnectorDefinition<RestConfig> = {
  kind: 'rest',
  config: restConfigSchema,
  create(config, deps): Connector {
    const base = config.baseUrl.replace(/\/+$/, '');
    const { timeoutMs } = dispatchSettings(config);
    const idField = config.idField ?? 'id';
    const headers: Record<string, string> = {};
    if (config.auth?.type === 'bearer') headers.authorization = `Bearer ${config.auth.token}`;
    if (config.auth?.type === 'basic') headers.authorization = `Basic ${btoa(`${config.auth.user}:${config.auth.password}`)}`;
    if (config.auth?.type === 'header') headers[config.auth.name] = config.auth.value;

    async function call(endpoint: Endpoint, data: Record<string, unknown>, actionId: string) {
      const path = renderPath(endpoint.path, data);
      if (!path.ok) return failure(path.error, false);
      const body = endpoint.body === undefined ? undefined : renderBody(endpoint.body, data);
      if (body && !body.ok) return failure(body.error, false);
      const url = `${base}${path.value}`;
      const response = await send(deps.fetch, { method: endpoint.method, url, headers: { ...headers, 'idempotency-key': actionId }, ...(body ? { body: body.value } : {}), timeoutMs });
      return { response, url };
    }

    async function find(data: Record<string, unknown>, actionId: string): Promise<string | undefined | ConnectorFailure> {
      if (!config.lookup) return undefined;
      const sent = await call(config.lookup, data, actionId);
      if ('ok' in sent) return sent;
      const { response, url } = sent;
      if (!response.ok) return response;
      if (response.status === 404) return undefined;
      if (response.status !== 200) return statusFailure({ method: config.lookup.method, url }, response);
      const id = pick(response.body, idField);
      return id === undefined || id === null ? undefined : String(id);
    }

    return {
      async apply(input: ApplyInput): Promise<ApplyResult> {
        const { action } = input;
        const endpoint = config.actions[action.type];
        if (!endpoint) return failure(`app \`${deps.appId}\` has no endpoint for \`${action.type}\``, false);
        const data: Record<string, unknown> = {
          actionId: action.id, userId: action.userId, groupId: action.groupId, appId: action.appId, role: action.role,
          attributes: action.attributes ?? input.link?.attributes ?? {},
          changes: Object.fromEntries(Object.entries(action.changes ?? {}).map(([k, c]) => [k, c.to])),
          externalId: input.link?.externalId ?? undefined,
          ...(input.password !== undefined ? { password: input.password } : {}),
        };
        if (action.type === 'account.create' || data.externalId === undefined) {
          const found = await find(data, action.id);
          if (typeof found === 'object') return found;
          if (found !== undefined) data.externalId = found;
          if (action.type === 'account.create' && found !== undefined) return already({ externalId: found, status: 'active', attributes: action.attributes ?? {} }, 'the account was found by lookup before creating');
        }
        const sent = await call(endpoint, data, action.id);
        if ('ok' in sent) return sent;
        const { response, url } = sent;
        if (!response.ok) return response;
        const status = STATUS[action.type];
        const account = (externalId: unknown) =>
          action.type === 'account.delete' ? { removed: true as const } : status ? { ...(externalId !== undefined && externalId !== null ? { externalId: String(externalId) } : {}), status, attributes: (action.attributes ?? {}) as Record<string, Json> } : undefined;
        if (endpoint.alreadyOn?.includes(response.status)) return already(account(data.externalId));
        if (response.status < 200 || response.status > 299) return statusFailure({ method: endpoint.method, url }, response);
        return applied(account(action.type === 'account.create' ? pick(response.body, idField) : data.externalId));
      },
    };
  },
};

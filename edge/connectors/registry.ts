// Connectors by kind. Shared code asks the registry; it never branches on a connector's name.
import type { ZodType } from 'zod';
import { problems } from '../http/issues.ts';
import { manualConnector } from './manual/index.ts';
import { restConnector } from './rest/index.ts';
import { scimConnector } from './scim/index.ts';
import type { DispatchSettings } from './settings.ts';
import { dispatchSettings } from './settings.ts';
import type { Connector, ConnectorDefinition, ConnectorDeps } from './types.ts';

export const connectorDefinitions = new Map<string, ConnectorDefinition<unknown>>(
  ([scimConnector, restConnector, manualConnector] as ConnectorDefinition<never>[]).map((d) => [d.kind, d as unknown as ConnectorDefinition<unknown>]),
);

export type Built = { ok: true; connector: Connector; settings: DispatchSettings } | { ok: false; error: string };

/** Validates an app's config against its connector and builds the connector. */
export function buildConnector(kind: string, config: Record<string, unknown>, deps: ConnectorDeps): Built {
  const definition = connectorDefinitions.get(kind);
  if (!definition) return { ok: false, error: `no connector \`${kind}\`` };
  const checked = checkConfig(definition.config, config);
  if (!checked.ok) return { ok: false, error: `app \`${deps.appId}\` config: ${checked.errors.join('; ')}` };
  return { ok: true, connector: definition.create(checked.value, deps), settings: dispatchSettings(config) };
}

/** Config errors as lowercase one-line messages naming the path. */
export function checkConfig<C>(schema: ZodType<C>, config: unknown): { ok: true; value: C } | { ok: false; errors: string[] } {
  const parsed = schema.safeParse(config);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: problems(parsed.error.issues, config).map((p) => `\`${p.path === '(root)' ? 'config' : p.path}\`: ${p.message.charAt(0).toLowerCase()}${p.message.slice(1)}`) };
}

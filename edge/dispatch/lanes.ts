// One lane per app: its connector (rebuilt when the app's config changes), its limits, its
// health, and whether it is quarantined or probing after a quarantine.
import type { Built } from '../connectors/registry.ts';
import { buildConnector, connectorDefinitions } from '../connectors/registry.ts';
import { openSecrets } from '../connectors/secrets.ts';
import type { DispatchSettings } from '../connectors/settings.ts';
import { dispatchSettings } from '../connectors/settings.ts';
import type { Connector, ConnectorDeps, Mailer } from '../connectors/types.ts';
import type { App } from '../db/repos/apps.ts';
import type { Runtime } from '../runtime.ts';
import type { Health } from './health.ts';
import { createHealth } from './health.ts';
import type { Limiter } from './limiter.ts';
import { createLimiter } from './limiter.ts';

/** A connector made outside the registry (tests, custom deliverers), by connector kind. */
export type ConnectorFactory = (app: App, runtime: Runtime) => Connector;

export interface LaneOptions {
  fetch?: typeof fetch;
  mailer?: Mailer;
  /** Owners per app from the active rules (manual apps). */
  owners?: (appId: string) => string[] | undefined;
  factories?: ReadonlyMap<string, ConnectorFactory>;
}

export interface Lane {
  app: App;
  key: string;
  built: Built | undefined;
  settings: DispatchSettings;
  limiter: Limiter;
  health: Health;
  probing: boolean;
}

/** The app's lane: the previous one while the app's connector and stored config are the same. */
export async function laneFor(runtime: Runtime, app: App, previous: Lane | undefined, options: LaneOptions): Promise<Lane> {
  const key = `${app.connector}\u0000${JSON.stringify(app.config)}`;
  if (previous && previous.key === key) {
    previous.app = app;
    return previous;
  }
  const factory = options.factories?.get(app.connector);
  // No connector of this kind here (e.g. `ldap`, delivered by the agent): the lane stays idle.
  let built: Built | undefined;
  if (factory || connectorDefinitions.has(app.connector)) {
    // Built from the config with its secrets opened; the lane keeps the connector, not them.
    const opened = await openSecrets(runtime.sealKey, app.id, app.config);
    if (!opened.ok) built = opened;
    else if (factory) built = { ok: true, connector: factory({ ...app, config: opened.config }, runtime), settings: dispatchSettings(app.config) };
    else built = buildConnector(app.connector, opened.config, connectorDeps(runtime, app, options));
  }
  const settings = built?.ok ? built.settings : dispatchSettings(app.config);
  return {
    app,
    key,
    built,
    settings,
    limiter: previous && sameLimits(previous.settings, settings) ? previous.limiter : createLimiter(settings),
    health: previous?.health ?? createHealth(settings.quarantine),
    probing: false,
  };
}

function connectorDeps(runtime: Runtime, app: App, options: LaneOptions): ConnectorDeps {
  const owners = options.owners?.(app.id);
  return {
    appId: app.id,
    appName: app.name,
    fetch: options.fetch ?? fetch,
    now: runtime.now,
    db: runtime.db,
    newId: runtime.newId,
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(owners ? { owners } : {}),
  };
}

function sameLimits(a: DispatchSettings, b: DispatchSettings): boolean {
  return a.concurrency === b.concurrency && JSON.stringify(a.rateLimit) === JSON.stringify(b.rateLimit);
}

/** How a lane takes new work at `now`: not at all, one probe at a time, or up to its free slots. */
export function capacity(lane: Lane, now: string): number {
  if (!lane.built) return 0;
  if (lane.app.status === 'quarantined') {
    if (lane.app.quarantinedUntil !== null && lane.app.quarantinedUntil > now) return 0;
    return lane.limiter.inFlight === 0 ? 1 : 0;
  }
  return lane.limiter.free();
}

// One lane per app: its connector (rebuilt when the app's config changes), its limits, its
// health, and whether it is quarantined or probing after a quarantine.
import type { Built } from '../connectors/registry.ts';
import { buildConnector } from '../connectors/registry.ts';
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

export function laneFor(runtime: Runtime, app: App, previous: Lane | undefined, options: LaneOptions): Lane {
  const key = `${app.connector}\u0000${JSON.stringify(app.config)}`;
  if (previous && previous.key === key) {
    previous.app = app;
    return previous;
  }
  const factory = options.factories?.get(app.connector);
  let built: Built | undefined;
  if (factory) built = { ok: true, connector: factory(app, runtime), settings: dispatchSettings(app.config) };
  else {
    const deps: ConnectorDeps = {
      appId: app.id,
      appName: app.name,
      fetch: options.fetch ?? fetch,
      now: runtime.now,
      db: runtime.db,
      newId: runtime.newId,
      ...(options.mailer ? { mailer: options.mailer } : {}),
      ...(options.owners?.(app.id) ? { owners: options.owners(app.id) as string[] } : {}),
    };
    const attempt = buildConnector(app.connector, app.config, deps);
    // No connector of this kind here (e.g. `ldap`, delivered by the agent): the lane stays idle.
    built = attempt.ok || !attempt.error.startsWith('no connector') ? attempt : undefined;
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

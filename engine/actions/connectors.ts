import type { AppRule, CompiledApp } from '../types.ts';

/** What the planner needs to know of each connector: whether Roster can act through it. */
const connectorTraits: Record<AppRule['connector'], { api: boolean }> = {
  scim: { api: true },
  ldap: { api: true },
  rest: { api: true },
  manual: { api: false },
};

/** An app with no API: its account changes are tasks for its owners. */
export function isManualApp(app: CompiledApp): boolean {
  return connectorTraits[app.source.connector]?.api === false;
}

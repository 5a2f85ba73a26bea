// What the active rule set defines that the admin API shows beside stored rows: its groups
// (`kind: group`) and its apps (`kind: app`). Their definition lives in the rule files, so the API
// reads them here and never writes them; the file and line say where to change one.
import type { Db } from '../db/index.ts';
import type { Group } from '../db/repos/index.ts';
import type { ApiError } from '../http/errors.ts';
import { notFound } from '../http/errors.ts';
import { activeRules } from '../jit/active-rules.ts';

export interface DefinedGroup extends Group {
  definedAt: string;
}

export interface DefinedApp {
  id: string;
  name: string;
  connector: string;
  definedAt: string;
  /** The app's attribute mappings: the CEL expression each account attribute is computed with. */
  mappings: { attribute: string; expr: string; createOnly: boolean }[];
}

export async function ruleGroups(db: Db): Promise<Map<string, DefinedGroup>> {
  const out = new Map<string, DefinedGroup>();
  for (const g of (await activeRules(db))?.ruleSet.groups ?? []) {
    out.set(g.id, { id: g.id, name: g.source.name ?? g.id, description: g.source.description ?? null, source: 'rules', definedAt: `${g.file}:${g.line}` });
  }
  return out;
}

export async function ruleApps(db: Db): Promise<Map<string, DefinedApp>> {
  const out = new Map<string, DefinedApp>();
  for (const a of Object.values((await activeRules(db))?.ruleSet.apps ?? {})) {
    out.set(a.id, {
      id: a.id,
      name: a.source.name ?? a.id,
      connector: a.source.connector,
      definedAt: `${a.file}:${a.line}`,
      mappings: a.mappings.map((m) => ({ attribute: m.name, expr: m.expr, createOnly: m.createOnly })),
    });
  }
  return out;
}

/** An app the active rule set defines whose connection nobody has registered yet: how to register it. */
export const notConnected = (d: DefinedApp): ApiError => notFound(`app \`${d.id}\` (${d.definedAt}) has no connection yet: register it with POST /v1/apps (connector \`${d.connector}\`)`);

/** The 404 for an app with no stored connection: one the active rules define says how to register it. */
export async function noConnection(db: Db, id: string, unknown = `no app \`${id}\``): Promise<ApiError> {
  const defined = (await ruleApps(db)).get(id);
  return defined ? notConnected(defined) : notFound(unknown);
}

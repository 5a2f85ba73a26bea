// Users in the directory: found by DN (the account's externalId) or by the configured key,
// created from the DN template (collisions: see `createUser`), modified by changed attributes
// only, moved when the container changes, disabled, deleted.
import { Attribute, Change } from 'ldapts';
import type { Entry } from 'ldapts';
import type { Json } from '../../engine/types.ts';
import type { AccountLink, ApplyResult } from '../connectors/types.ts';
import { already, applied } from '../connectors/types.ts';
import type { AgentConfig } from './config.ts';
import type { Directory } from './directory.ts';
import type { AgentFailure } from './errors.ts';
import { ALREADY_EXISTS, NO_SUCH_OBJECT, ldapCode, ldapFailure, ldapRefusal } from './errors.ts';
import { all, directoryName, escapeFilter, fillTemplate, sameDn, splitDn, toDirectory } from './mapping.ts';
import type { DirectoryValues } from './mapping.ts';

/** AD's userAccountControl: 512 normal account, bit 2 (value 2) ACCOUNTDISABLE. */
export const UAC_NORMAL = 512;
export const UAC_DISABLED = 2;

const isFailure = (v: unknown): v is AgentFailure => typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false;

/** The user's entry: by the link's DN, else by `users.key` among the given attributes. */
export async function findUser(dir: Directory, link: AccountLink | undefined, attributes: Record<string, Json | undefined>): Promise<Entry | undefined | AgentFailure> {
  const { users } = dir.config;
  try {
    if (link?.externalId) {
      try {
        const [entry] = await dir.use(async (c) => (await c.search(link.externalId as string, { scope: 'base', attributes: ['*'] })).searchEntries);
        if (entry) return entry;
      } catch (error) {
        if (ldapCode(error) !== NO_SUCH_OBJECT) throw error;
      }
    }
    const key = toDirectory({ ...(link?.attributes ?? {}), ...attributes }, users.map)[users.key]?.[0];
    if (key === undefined) return undefined;
    const found = await dir.search(users.base, { filter: `(&${users.filter}(${users.key}=${escapeFilter(key)}))`, attributes: ['*'] });
    return found[0];
  } catch (error) {
    return ldapFailure(error, 'look up user');
  }
}

function parentFor(config: AgentConfig, values: DirectoryValues): { ok: true; value: string } | { ok: false; error: string } {
  if (!config.users.container) return { ok: true, value: config.users.base };
  const container = fillTemplate(config.users.container, values);
  return container.ok ? { ok: true, value: `${container.value},${config.users.base}` } : container;
}

const rdnAttribute = (config: AgentConfig) => config.users.rdn.split('=')[0]?.trim() ?? 'cn';

/**
 * Creates the entry unless the key finds it. Name collisions: when the DN from the template is
 * taken by another entry (entryAlreadyExists 68), the RDN value gets ` 2`, ` 3`, … up to ` 99`
 * (`cn=Ann Lee` → `cn=Ann Lee 2`), and the RDN attribute holds the numbered value.
 */
export async function createUser(dir: Directory, attributes: Record<string, Json>, link?: AccountLink): Promise<ApplyResult> {
  const { config } = dir;
  const existing = await findUser(dir, link, attributes);
  if (isFailure(existing)) return existing;
  if (existing) return already({ externalId: existing.dn, status: 'active', attributes }, 'entry found by key');
  const values = toDirectory(attributes, config.users.map);
  const parent = parentFor(config, values);
  if (!parent.ok) return ldapRefusal(parent.error);
  const rdn = fillTemplate(config.users.rdn, values);
  if (!rdn.ok) return ldapRefusal(rdn.error);
  const defaults = Object.fromEntries(Object.entries(config.users.defaults).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String)]));
  const entry: Record<string, string[]> = { objectClass: config.users.objectClasses, ...defaults, ...values };
  if (config.directory.flavour === 'ad' && entry.userAccountControl === undefined) entry.userAccountControl = [String(UAC_NORMAL)];
  const rdnAttr = rdnAttribute(config);
  const rdnValue = values[rdnAttr]?.[0];
  for (let n = 1; n < 100; n++) {
    const numbered = n === 1 || rdnValue === undefined ? undefined : `${rdnValue} ${n}`;
    const name = numbered === undefined ? rdn : fillTemplate(config.users.rdn, { ...values, [rdnAttr]: [numbered] });
    if (!name.ok) return ldapRefusal(name.error);
    const dn = `${name.value},${parent.value}`;
    const body = numbered === undefined ? entry : { ...entry, [rdnAttr]: [numbered] };
    try {
      await dir.use((c) => c.add(dn, body));
      return applied({ externalId: dn, status: 'active', attributes }, numbered === undefined ? undefined : `name taken: created as \`${dn}\``);
    } catch (error) {
      if (ldapCode(error) === ALREADY_EXISTS && rdnValue !== undefined) continue;
      return ldapFailure(error, `add \`${dn}\``);
    }
  }
  return ldapRefusal(`add: every numbered name for \`${rdn.value}\` is taken`, ALREADY_EXISTS);
}

const sameValues = (a: string[], b: string[]) => a.length === b.length && a.every((v) => b.includes(v));

/** Applies only the attributes whose values differ, and moves/renames the entry when its DN should change. */
export async function updateUser(dir: Directory, changes: Record<string, { to: Json }>, link?: AccountLink): Promise<ApplyResult> {
  const { config } = dir;
  const entry = await findUser(dir, link, {});
  if (isFailure(entry)) return entry;
  if (!entry) return ldapRefusal('modify: no such object: the user has no entry in the directory', NO_SUCH_OBJECT);
  const wanted = toDirectory(Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.to])), config.users.map);
  const rdnAttr = rdnAttribute(config).toLowerCase();
  const mods: Change[] = [];
  const merged: DirectoryValues = {};
  for (const key of Object.keys(entry)) merged[key] = all(entry, key);
  for (const name of Object.keys(changes)) {
    const attr = directoryName(name, config.users.map);
    const next = wanted[attr] ?? [];
    merged[attr] = next;
    if (attr.toLowerCase() === rdnAttr || sameValues(all(entry, attr), next)) continue;
    if (next.length === 0 && all(entry, attr).length === 0) continue;
    mods.push(new Change({ operation: next.length === 0 ? 'delete' : 'replace', modification: new Attribute({ type: attr, values: next }) }));
  }
  let dn = entry.dn;
  const [currentRdn, currentParent] = splitDn(dn);
  const rdn = fillTemplate(config.users.rdn, merged);
  const parent = parentFor(config, merged);
  if (!rdn.ok) return ldapRefusal(rdn.error);
  if (!parent.ok) return ldapRefusal(parent.error);
  const moved = !sameDn(currentParent, parent.value);
  const renamed = Object.keys(changes).some((n) => directoryName(n, config.users.map).toLowerCase() === rdnAttr) && !sameDn(currentRdn, rdn.value);
  try {
    if (moved || renamed) {
      const target = `${renamed ? rdn.value : currentRdn},${parent.value}`;
      await dir.use((c) => c.modifyDN(dn, target));
      dn = target;
    }
    if (mods.length > 0) await dir.use((c) => c.modify(dn, mods));
  } catch (error) {
    return ldapFailure(error, `modify \`${dn}\``);
  }
  const note = [moved ? `moved to \`${parent.value}\`` : '', mods.length > 0 ? `changed ${mods.map((m) => m.modification.type).join(', ')}` : ''].filter(Boolean).join('; ');
  if (!moved && !renamed && mods.length === 0) return already({ externalId: dn, status: 'active' }, 'no attribute differs');
  return applied({ externalId: dn, status: 'active' }, note || undefined);
}

/** Disable/enable: AD sets or clears userAccountControl bit 2; OpenLDAP writes `users.disable`. */
export async function setEnabled(dir: Directory, enabled: boolean, status: 'active' | 'suspended' | 'deactivated', link?: AccountLink): Promise<ApplyResult> {
  const { config } = dir;
  const entry = await findUser(dir, link, {});
  if (isFailure(entry)) return entry;
  if (!entry) return ldapRefusal('disable: no such object: the user has no entry in the directory', NO_SUCH_OBJECT);
  let change: Change;
  if (config.directory.flavour === 'ad') {
    const current = Number(all(entry, 'userAccountControl')[0] ?? UAC_NORMAL);
    const next = enabled ? current & ~UAC_DISABLED : current | UAC_DISABLED;
    if (next === current) return already({ externalId: entry.dn, status });
    change = new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: [String(next)] }) });
  } else {
    const disable = config.users.disable;
    if (!disable) return ldapRefusal('disable: the agent config names no `users.disable` attribute for this directory');
    const current = all(entry, disable.attribute);
    const next = enabled ? (disable.enabled === undefined ? [] : [disable.enabled]) : [disable.disabled];
    if (sameValues(current, next)) return already({ externalId: entry.dn, status });
    change = new Change({ operation: next.length === 0 ? 'delete' : 'replace', modification: new Attribute({ type: disable.attribute, values: next }) });
  }
  try {
    await dir.use((c) => c.modify(entry.dn, [change]));
    return applied({ externalId: entry.dn, status });
  } catch (error) {
    return ldapFailure(error, `modify \`${entry.dn}\``);
  }
}

export async function deleteUser(dir: Directory, link?: AccountLink): Promise<ApplyResult> {
  const entry = await findUser(dir, link, {});
  if (isFailure(entry)) return entry;
  if (!entry) return already({ removed: true }, 'no entry in the directory');
  try {
    await dir.use((c) => c.del(entry.dn));
    return applied({ removed: true });
  } catch (error) {
    if (ldapCode(error) === NO_SUCH_OBJECT) return already({ removed: true });
    return ldapFailure(error, `delete \`${entry.dn}\``);
  }
}

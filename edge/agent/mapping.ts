// Between Roster attributes and directory attributes, and DNs from templates. Roster names go
// through `users.map` (a name not listed keeps its name); values become LDAP strings.
import type { Entry } from 'ldapts';
import type { Json } from '../../engine/types.ts';

export type DirectoryValues = Record<string, string[]>;

function ldapStrings(value: Json | undefined): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => ldapStrings(v));
  if (typeof value === 'object') return [JSON.stringify(value)];
  if (typeof value === 'boolean') return [value ? 'TRUE' : 'FALSE'];
  return [String(value)];
}

/** Roster attributes as directory attributes; null/empty values are left out. */
export function toDirectory(attributes: Record<string, Json | undefined>, map: Record<string, string>): DirectoryValues {
  const out: DirectoryValues = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'password') continue;
    const values = ldapStrings(value).filter((v) => v !== '');
    if (values.length > 0) out[map[name] ?? name] = values;
  }
  return out;
}

export function directoryName(rosterName: string, map: Record<string, string>): string {
  return map[rosterName] ?? rosterName;
}

/** A directory entry as Roster attributes (reverse of `map`; one value stays a string). */
export function fromDirectory(entry: Entry, map: Record<string, string>, skip: readonly string[] = ['dn', 'objectClass', 'userPassword', 'unicodePwd']): Record<string, Json> {
  const reverse = new Map(Object.entries(map).map(([roster, dir]) => [dir.toLowerCase(), roster]));
  const out: Record<string, Json> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (skip.includes(name)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v)));
    out[reverse.get(name.toLowerCase()) ?? name] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** RFC 4514 escaping of one RDN value. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** `cn={cn}` filled from directory values (first value, DN-escaped); an error names what is missing. */
export function fillTemplate(template: string, values: DirectoryValues): { ok: true; value: string } | { ok: false; error: string } {
  let missing: string | undefined;
  const value = template.replace(/\{([A-Za-z0-9-]+)\}/g, (_, name: string) => {
    const found = Object.entries(values).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]?.[0];
    if (found === undefined) missing ??= name;
    return escapeDnValue(found ?? '');
  });
  return missing === undefined ? { ok: true, value } : { ok: false, error: `dn template \`${template}\` needs \`${missing}\`, which the entry has no value for` };
}

/** Splits a DN at its first unescaped comma: [rdn, parent]. */
export function splitDn(dn: string): [string, string] {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return [dn.slice(0, i), dn.slice(i + 1)];
  }
  return [dn, ''];
}

export const sameDn = (a: string, b: string): boolean => a.replace(/\s*,\s*/g, ',').toLowerCase() === b.replace(/\s*,\s*/g, ',').toLowerCase();

/** The LDAP filter escape for one assertion value (RFC 4515). */
export function escapeFilter(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function first(entry: Entry, name: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

export function all(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const raw = key === undefined ? undefined : entry[key];
  return (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

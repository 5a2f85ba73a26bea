// The directory as a source: users and groups read with paged searches (RFC 2696). A full read
// returns every entry (so the edge can tell which ones are gone); an incremental read returns
// entries changed since a cursor: `modifyTimestamp` on OpenLDAP, `uSNChanged` on AD. The new
// cursor is the highest value seen. `modifyTimestamp` has one-second resolution, so the read is
// `>=` the cursor (it re-reads the boundary second, which is harmless). An update sequence
// number is unique per change on a domain controller, so AD reads `>=` cursor + 1: exactly the
// changes after the last one seen. AD orders `uSNChanged` as an integer (64-bit: BigInt here);
// a cursor is per domain controller, so an agent keeps to one DC (its `directory.url`).
import type { Entry, SearchOptions } from 'ldapts';
import type { RemoteAccount, RemoteGroup } from '../connectors/types.ts';
import type { Directory } from './directory.ts';
import { ldapFailure } from './errors.ts';
import { all, first, fromDirectory } from './mapping.ts';
import { UAC_DISABLED } from './users.ts';

export type ImportMode = 'full' | 'incremental';

export interface DirectoryRead {
  accounts: RemoteAccount[];
  groups: RemoteGroup[];
  /** Where the next incremental read starts. */
  cursor?: string;
  ms: number;
}

const OPERATIONAL = ['dn', 'objectClass', 'userPassword', 'unicodePwd', 'modifyTimestamp', 'uSNChanged', 'uSNCreated', 'nTSecurityDescriptor', 'instanceType', 'objectCategory'];

export function isActive(dir: Directory, entry: Entry): boolean {
  const { config } = dir;
  if (config.directory.flavour === 'ad') return (Number(first(entry, 'userAccountControl') ?? 512) & UAC_DISABLED) === 0;
  const disable = config.users.disable;
  return !disable || !all(entry, disable.attribute).includes(disable.disabled);
}

const USN = /^\d{1,20}$/;
const GENERALIZED_TIME = /^\d{10,14}(?:[.,]\d+)?(?:Z|[+-]\d{2,4})$/;

const later = (a: string | undefined, b: string | undefined, numeric: boolean) => {
  if (a === undefined) return b;
  if (b === undefined || (numeric && !USN.test(b))) return a;
  return (numeric ? BigInt(b) > BigInt(a) : b > a) ? b : a;
};

/** The filter part that selects entries changed since `since`; throws on a cursor of the wrong shape. */
export function changedSince(ad: boolean, since: string): string {
  if (ad) {
    if (!USN.test(since)) throw new Error(`an AD cursor is a uSNChanged number, not \`${since}\``);
    return `(uSNChanged>=${BigInt(since) + 1n})`;
  }
  if (!GENERALIZED_TIME.test(since)) throw new Error(`an OpenLDAP cursor is a modifyTimestamp (GeneralizedTime), not \`${since}\``);
  return `(modifyTimestamp>=${since})`;
}

/** A search whose failure says in words which base it read and the LDAP result code (ldapts says ` Code: 0x20`). */
async function searchBase(dir: Directory, key: 'users.base' | 'groups.base', base: string, options: SearchOptions): Promise<Entry[]> {
  try {
    return await dir.search(base, options);
  } catch (error) {
    throw new Error(ldapFailure(error, `searching \`${base}\` (\`${key}\`)`).error);
  }
}

export async function readDirectory(dir: Directory, mode: ImportMode, since?: string): Promise<DirectoryRead> {
  const started = performance.now();
  const { config } = dir;
  const ad = config.directory.flavour === 'ad';
  const cursorAttribute = ad ? 'uSNChanged' : 'modifyTimestamp';
  const changed = mode === 'incremental' && since !== undefined ? changedSince(ad, since) : '';
  const entries = await searchBase(dir, 'users.base', config.users.base, { filter: changed ? `(&${config.users.filter}${changed})` : config.users.filter, attributes: ['*', cursorAttribute] });
  let cursor = since;
  const accounts = entries.map((entry) => {
    cursor = later(cursor, first(entry, cursorAttribute), ad);
    return { externalId: entry.dn, attributes: fromDirectory(entry, config.users.map, OPERATIONAL), active: isActive(dir, entry) };
  });
  const groups: RemoteGroup[] = [];
  if (config.groups) {
    const { base, filter, memberAttribute } = config.groups;
    for (const entry of await searchBase(dir, 'groups.base', base, { filter, attributes: ['cn', 'description', memberAttribute] })) {
      const marker = all(entry, 'description').find((d) => d.startsWith('roster:'));
      groups.push({
        externalId: entry.dn,
        name: first(entry, 'cn') ?? entry.dn,
        ...(marker ? { groupId: marker.slice('roster:'.length) } : {}),
        members: all(entry, memberAttribute).filter((m) => m !== ''),
      });
    }
  }
  return { accounts, groups, ...(cursor !== undefined ? { cursor } : {}), ms: performance.now() - started };
}

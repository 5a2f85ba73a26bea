// The directory as a source: users and groups read with paged searches (RFC 2696). A full read
// returns every entry (so the edge can tell which ones are gone); an incremental read returns
// entries changed since a cursor: `modifyTimestamp` on OpenLDAP, `uSNChanged` on AD. The new
// cursor is the highest value seen (`>=` re-reads the boundary entry, which is harmless).
import type { Entry } from 'ldapts';
import type { RemoteAccount, RemoteGroup } from '../connectors/types.ts';
import type { Directory } from './directory.ts';
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

const OPERATIONAL = ['dn', 'objectClass', 'userPassword', 'unicodePwd', 'modifyTimestamp', 'uSNChanged', 'nTSecurityDescriptor', 'instanceType', 'objectCategory'];

export function isActive(dir: Directory, entry: Entry): boolean {
  const { config } = dir;
  if (config.directory.flavour === 'ad') return (Number(first(entry, 'userAccountControl') ?? 512) & UAC_DISABLED) === 0;
  const disable = config.users.disable;
  return !disable || !all(entry, disable.attribute).includes(disable.disabled);
}

const later = (a: string | undefined, b: string | undefined, numeric: boolean) => (a === undefined ? b : b === undefined ? a : (numeric ? Number(b) > Number(a) : b > a) ? b : a);

export async function readDirectory(dir: Directory, mode: ImportMode, since?: string): Promise<DirectoryRead> {
  const started = performance.now();
  const { config } = dir;
  const ad = config.directory.flavour === 'ad';
  const cursorAttribute = ad ? 'uSNChanged' : 'modifyTimestamp';
  const changed = mode === 'incremental' && since !== undefined ? `(${cursorAttribute}>=${since})` : '';
  const entries = await dir.search(config.users.base, { filter: changed ? `(&${config.users.filter}${changed})` : config.users.filter, attributes: ['*', cursorAttribute] });
  let cursor = since;
  const accounts = entries.map((entry) => {
    cursor = later(cursor, first(entry, cursorAttribute), ad);
    return { externalId: entry.dn, attributes: fromDirectory(entry, config.users.map, OPERATIONAL), active: isActive(dir, entry) };
  });
  const groups: RemoteGroup[] = [];
  if (config.groups) {
    const { base, filter, memberAttribute } = config.groups;
    for (const entry of await dir.search(base, { filter, attributes: ['cn', 'description', memberAttribute] })) {
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

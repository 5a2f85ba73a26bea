// Worker changes over the identities they touch → the rows to write. Pure: the caller reads
// the current rows and the logins held by others. Attributes are sourced through the engine's
// `mergeProfile` as source `hr`, so a value another source set is kept beside HR's and the
// effective profile says who won.
import { effectiveAttributes, mergeProfile, sameValue, storedProfile } from '../../engine/lifecycle/attribute-sources.ts';
import type { AttributeSources, SourcedProfile } from '../../engine/lifecycle/attribute-sources.ts';
import type { Identity } from '../db/repos/identities.ts';
import type { RecordError } from './parse.ts';
import type { ImportMode, WorkerChange } from './validate.ts';

export const HR_SOURCE = 'hr';
export const ADMIN_SOURCE = 'admin';
/** A directory entry's attributes (the agent's delegated login creates identities from them). */
export const LDAP_SOURCE = 'ldap';

/**
 * HR is the profile master; the directory (a delegated login's entry, `ldap`), admin edits, SCIM
 * pushes and login claims fill what HR leaves, in that order.
 */
export const DEFAULT_ATTRIBUTE_SOURCES: AttributeSources = { '*': [HR_SOURCE, LDAP_SOURCE, ADMIN_SOURCE, 'scim', 'jit'] };

/**
 * A stored identity's sourced profile: what each source set, and any attribute of its profile no
 * ranked source holds (an admin's, written before admin edits were sourced) as the admin's.
 */
export function storedSources(identity: Pick<Identity, 'profile' | 'sources'>, sources: AttributeSources = DEFAULT_ATTRIBUTE_SOURCES): SourcedProfile {
  return storedProfile(identity.sources, identity.profile, sources, ADMIN_SOURCE);
}

export interface IdentityWrite {
  row: Identity;
  /** The version the row had when read (0: it did not exist). The write fails if it moved. */
  expectedVersion: number;
  line: number;
}

export interface MergeOutput {
  writes: IdentityWrite[];
  created: number;
  updated: number;
  unchanged: number;
  errors: RecordError[];
}

export interface MergeInput {
  changes: readonly WorkerChange[];
  existing: ReadonlyMap<string, Identity>;
  /** Logins held by identities, lowercased, mapped to their ids (only the logins the changes use). */
  loginOwners: ReadonlyMap<string, string>;
  mode: ImportMode;
  at: string;
  sources?: AttributeSources;
  source?: string;
}

export function mergeChanges(input: MergeInput): MergeOutput {
  const sources = input.sources ?? DEFAULT_ATTRIBUTE_SOURCES;
  const source = input.source ?? HR_SOURCE;
  const out: MergeOutput = { writes: [], created: 0, updated: 0, unchanged: 0, errors: [] };
  for (const change of input.changes) {
    const current = input.existing.get(change.id);
    const fail = (message: string) => out.errors.push({ line: change.line, id: change.id, message });
    if (change.op === 'terminate' && !current) {
      fail(`cannot terminate \`${change.id}\`: no such worker`);
      continue;
    }
    const incoming = { ...change.attributes };
    if (!current) {
      const missing = ['firstName', 'lastName', 'email'].filter((name) => typeof incoming[name] !== 'string');
      if (missing.length > 0) {
        fail(`new worker \`${change.id}\` needs ${missing.map((m) => `\`${m}\``).join(', ')}`);
        continue;
      }
    }
    const mode = change.op === 'terminate' ? 'incremental' : input.mode;
    const before: SourcedProfile = current ? storedSources(current, sources) : { values: {}, effective: {} };
    const merged = mergeProfile(before, source, incoming, sources, mode).profile;
    const profile = effectiveAttributes(merged);
    const email = typeof profile.email === 'string' ? profile.email : (current?.email ?? null);
    const login = change.login ?? current?.login ?? (email ?? change.id).toLowerCase();
    const owner = input.loginOwners.get(login.toLowerCase());
    if (owner !== undefined && owner !== change.id) {
      fail(`login \`${login}\` belongs to identity \`${owner}\``);
      continue;
    }
    // A termination without a date ends access now; with one, the engine waits for the worker's local midnight.
    const status = change.status ?? (change.op === 'terminate' && incoming.terminationDate === undefined ? 'DEPROVISIONED' : (current?.status ?? 'ACTIVE'));
    if (current && current.login === login && current.email === email && current.status === status && sameValue(current.profile, profile) && sameValue(current.sources, merged.values)) {
      out.unchanged++;
      continue;
    }
    const row: Identity = {
      id: change.id,
      login,
      email,
      status,
      profile,
      sources: merged.values,
      passwordHash: current?.passwordHash ?? null,
      passwordChangedAt: current?.passwordChangedAt ?? null,
      passwordHistory: current?.passwordHistory ?? [],
      version: (current?.version ?? 0) + 1,
      createdAt: current?.createdAt ?? input.at,
      updatedAt: input.at,
    };
    out.writes.push({ row, expectedVersion: current?.version ?? 0, line: change.line });
    if (current) out.updated++;
    else out.created++;
  }
  return out;
}

// Correlation of accounts read from an app with Roster's identities (pure). An account already
// linked is `linked`; otherwise the app's matching rules are tried in order: one identity is
// `unlinked` (a match to confirm), several are `disputed`, none is `unmatched`. A link whose
// account is no longer in the app is `deleted`.
import type { Json } from '../../../engine/types.ts';
import type { MatchRule } from '../correlation.ts';
import type { RemoteAccount } from '../types.ts';

export type Situation = 'linked' | 'unlinked' | 'unmatched' | 'deleted' | 'disputed';

export interface IdentityView {
  id: string;
  /** Profile plus `login` and `email`. */
  attributes: Record<string, unknown>;
}

export interface LinkView {
  userId: string;
  externalId: string | null;
}

export interface Correlation {
  externalId: string;
  situation: Situation;
  candidates: string[];
  matchedBy?: string;
  userId?: string;
  account: { attributes: Record<string, Json>; active: boolean } | null;
}

const norm = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : typeof value === 'number' ? String(value) : undefined);

export function correlate(accounts: readonly RemoteAccount[], identities: readonly IdentityView[], links: readonly LinkView[], rules: readonly MatchRule[]): Correlation[] {
  const byExternal = new Map(links.filter((l) => l.externalId !== null).map((l) => [l.externalId as string, l.userId]));
  const linkedUsers = new Map(links.map((l) => [l.userId, l.externalId]));
  // One index per identity attribute a rule reads, built once.
  const indices = new Map<string, Map<string, string[]>>();
  for (const rule of rules) {
    if (indices.has(rule.user)) continue;
    const index = new Map<string, string[]>();
    for (const identity of identities) {
      const key = norm(identity.attributes[rule.user]);
      if (key !== undefined) index.set(key, [...(index.get(key) ?? []), identity.id]);
    }
    indices.set(rule.user, index);
  }

  const out: Correlation[] = [];
  for (const account of accounts) {
    const base = { externalId: account.externalId, account: { attributes: account.attributes, active: account.active } };
    const linked = byExternal.get(account.externalId);
    if (linked !== undefined) {
      out.push({ ...base, situation: 'linked', candidates: [linked], userId: linked });
      continue;
    }
    let found: Correlation | undefined;
    for (const rule of rules) {
      const key = norm(account.attributes[rule.app]);
      if (key === undefined) continue;
      const candidates = indices.get(rule.user)?.get(key) ?? [];
      if (candidates.length === 0) continue;
      const matchedBy = `${rule.user} = ${rule.app}`;
      const single = candidates.length === 1 ? (candidates[0] as string) : undefined;
      // One identity that already has another account in this app is not a clean match either.
      const clash = single !== undefined && linkedUsers.has(single) && linkedUsers.get(single) !== account.externalId;
      found = { ...base, situation: single !== undefined && !clash ? 'unlinked' : 'disputed', candidates: [...candidates].sort(), matchedBy };
      break;
    }
    out.push(found ?? { ...base, situation: 'unmatched', candidates: [] });
  }
  const seen = new Set(accounts.map((a) => a.externalId));
  for (const link of links) {
    if (link.externalId !== null && !seen.has(link.externalId)) out.push({ externalId: link.externalId, situation: 'deleted', candidates: [link.userId], userId: link.userId, account: null });
  }
  return out;
}

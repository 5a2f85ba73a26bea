// Where the simulator's population comes from, read inside the worker so the page never parses
// megabytes of JSON or clones fifty thousand profiles: pasted text, a chosen file (a Blob is
// handed over without copying its bytes), or every user in Roster, page by page from the API,
// with what the apps hold now (`GET /v1/observed`), so the plan is the one a reconcile would make.
import type { AttributeType, ObservedAppGroup, ObservedState, User } from '../../../../engine/types.ts';
import { ApiFailure, api, pageItems } from '../api.ts';
import type { Page } from '../api.ts';
import { identityToUser, parsePopulation } from '../population.ts';

export type PopulationSource =
  | { kind: 'text'; text: string; types?: Record<string, AttributeType> }
  | { kind: 'file'; file: Blob; types?: Record<string, AttributeType> }
  | { kind: 'api' };

type IdentityRow = Parameters<typeof identityToUser>[0];

/** One page of `GET /v1/observed`. */
export interface ObservedPage extends Required<Pick<ObservedState, 'accounts' | 'memberships' | 'appGroups' | 'health'>> {
  next?: string;
}

/** Roster's users and what the apps hold for them, through the same API the screens use (the session cookie rides along). */
export interface Roster {
  users(signal?: AbortSignal): Promise<IdentityRow[]>;
  observed(signal?: AbortSignal): Promise<ObservedPage[]>;
}

/** Users per `GET /v1/users` page and per `GET /v1/observed` page (the largest each allows). */
const USERS_PAGE = 500;
const OBSERVED_PAGE = 5000;

/**
 * Every page of `path`, or an ApiFailure naming the request that failed (`GET /v1/users (page 3)
 * failed: …`) with the server's status: never the pages read before it, as if they were all.
 */
export async function readPages<P extends { next?: string | null }>(path: string, limit: number, signal?: AbortSignal): Promise<P[]> {
  const pages: P[] = [];
  let cursor: string | null | undefined;
  do {
    const url = `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    try {
      pages.push(await api<P>(url, signal ? { signal } : {}));
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      const why = error.status === 401 ? 'the server no longer accepts this session' : error.message;
      throw new ApiFailure(error.status, error.code, `GET ${path} (page ${pages.length + 1}) failed: ${why}`, error.details);
    }
    cursor = pages.at(-1)!.next;
  } while (cursor);
  return pages;
}

export const rosterApi: Roster = {
  users: async (signal) => (await readPages<Page<IdentityRow>>('/v1/users', USERS_PAGE, signal)).flatMap((page) => pageItems(page)),
  observed: (signal) => readPages<ObservedPage>('/v1/observed', OBSERVED_PAGE, signal),
};

/** A population, and (for Roster's own) what the apps hold now; without it, nothing is held. */
export interface Population {
  users: User[];
  observed?: ObservedState;
}

export async function readPopulation(source: PopulationSource, roster: Roster = rosterApi): Promise<Population> {
  switch (source.kind) {
    case 'text':
      return { users: parsePopulation(source.text, source.types) };
    case 'file':
      return { users: parsePopulation(await source.file.text(), source.types) };
    case 'api': {
      // The two reads run side by side; when one fails, the other stops rather than read on for nothing.
      const stop = new AbortController();
      const read = <T>(pending: Promise<T>) => pending.catch((error: unknown) => {
        stop.abort();
        throw error;
      });
      const [identities, pages] = await Promise.all([read(roster.users(stop.signal)), read(roster.observed(stop.signal))]);
      return { users: identities.map(identityToUser), observed: mergeObserved(pages) };
    }
  }
}

/**
 * The pages as one ObservedState: accounts and memberships end to end, each app group once with
 * the members of every page, the health of the last page read.
 */
export function mergeObserved(pages: readonly ObservedPage[]): ObservedState {
  const accounts = pages.flatMap((p) => p.accounts);
  const memberships = pages.flatMap((p) => p.memberships);
  const groups = new Map<string, ObservedAppGroup>();
  for (const page of pages) {
    for (const group of page.appGroups) {
      const key = `${group.appId}\u0000${group.groupId ?? ''}\u0000${group.externalId ?? ''}`;
      const known = groups.get(key);
      if (known) known.members.push(...group.members);
      else groups.set(key, { ...group, members: [...group.members] });
    }
  }
  const appGroups = [...groups.values()];
  const health = pages.at(-1)?.health ?? {};
  return { accounts, memberships, ...(appGroups.length > 0 ? { appGroups } : {}), ...(Object.keys(health).length > 0 ? { health } : {}) };
}

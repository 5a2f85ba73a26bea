// Where the simulator's population comes from, read inside the worker so the page never parses
// megabytes of JSON or clones fifty thousand profiles: pasted text, a chosen file (a Blob is
// handed over without copying its bytes), or every user in Roster, page by page from the API.
import type { AttributeType, User } from '../../../../engine/types.ts';
import { listAll } from '../api.ts';
import { identityToUser, parsePopulation } from '../population.ts';

export type PopulationSource =
  | { kind: 'text'; text: string; types?: Record<string, AttributeType> }
  | { kind: 'file'; file: Blob; types?: Record<string, AttributeType> }
  | { kind: 'api' };

type IdentityRow = Parameters<typeof identityToUser>[0];

/** Every identity in Roster, through the same API the screens use (the session cookie rides along). */
export const usersFromApi = async (): Promise<IdentityRow[]> => listAll<IdentityRow>('/v1/users', 1_000_000);

export async function readPopulation(source: PopulationSource, fromApi: () => Promise<IdentityRow[]> = usersFromApi): Promise<User[]> {
  switch (source.kind) {
    case 'text':
      return parsePopulation(source.text, source.types);
    case 'file':
      return parsePopulation(await source.file.text(), source.types);
    case 'api':
      return (await fromApi()).map(identityToUser);
  }
}

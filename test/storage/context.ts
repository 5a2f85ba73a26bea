// What every case file gets: a fresh, migrated database per test, and a clock.
import type { Db, WriteContext } from '../../edge/db/index.ts';
import { migrate } from '../../edge/db/migrate.ts';

export type MakeDb = () => Promise<Db>;

export async function freshDb(makeDb: MakeDb): Promise<Db> {
  const db = await makeDb();
  await migrate(db);
  return db;
}

/** A write context at a fixed instant plus `minutes`. */
export function at(minutes = 0, actor = 'test'): WriteContext {
  return { at: new Date(Date.UTC(2025, 0, 1, 9, minutes)).toISOString(), actor };
}

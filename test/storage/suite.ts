// The storage integration suite, run against every driver (libSQL file, libSQL memory, D1 in
// workerd). Each driver's test file only builds its database, like drizzle-orm's own suites.
// No Node-only imports here or in ./cases: the suite must also run inside workerd.
import { describe } from 'vitest';
import { auditCases } from './cases/audit.ts';
import { identityCases } from './cases/identities.ts';
import type { MakeDb } from './context.ts';

export type { MakeDb } from './context.ts';

export function storageSuite(name: string, makeDb: MakeDb): void {
  describe(`storage: ${name}`, () => {
    identityCases(makeDb);
    auditCases(makeDb);
  });
}

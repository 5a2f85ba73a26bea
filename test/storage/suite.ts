// The storage integration suite, run against every driver (libSQL file, libSQL memory, D1 in
// workerd). Each driver's test file only builds its database, like drizzle-orm's own suites.
// No Node-only imports here or in ./cases: the suite must also run inside workerd.
import { describe } from 'vitest';
import { appAccountCases } from './cases/apps-accounts.ts';
import { auditCases } from './cases/audit.ts';
import { groupCases } from './cases/groups.ts';
import { identityCases } from './cases/identities.ts';
import { ruleSetCases } from './cases/rule-sets.ts';
import { runCases } from './cases/runs.ts';
import { taskImportCases } from './cases/tasks-imports.ts';
import { tokenCases } from './cases/tokens.ts';
import type { MakeDb } from './context.ts';

export type { MakeDb } from './context.ts';

/** Registers every storage case; `makeDb` returns a new, empty database for each test. */
export function storageSuite(name: string, makeDb: MakeDb): void {
  describe(`storage: ${name}`, () => {
    identityCases(makeDb);
    groupCases(makeDb);
    appAccountCases(makeDb);
    ruleSetCases(makeDb);
    runCases(makeDb);
    taskImportCases(makeDb);
    tokenCases(makeDb);
    auditCases(makeDb);
  });
}

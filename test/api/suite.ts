// The API suite, run against every storage driver (libSQL here, D1 inside workerd). Each
// driver's test file only builds a runtime, like drizzle-orm's own suites.
import { describe } from 'vitest';
import { authCases } from './cases/auth.ts';
import { errorCases } from './cases/errors.ts';
import { lifecycleCases } from './cases/lifecycle.ts';
import { passwordCases } from './cases/passwords.ts';
import { reportCases } from './cases/reports.ts';
import { runCases } from './cases/runs.ts';
import { tokenCases } from './cases/tokens.ts';
import { userCases } from './cases/users.ts';
import type { MakeRuntime } from './context.ts';

export type { MakeRuntime } from './context.ts';

/** Registers every API case; `makeRuntime` returns a runtime over a new, migrated database. */
export function apiSuite(name: string, makeRuntime: MakeRuntime): void {
  describe(`api: ${name}`, () => {
    authCases(makeRuntime);
    userCases(makeRuntime);
    errorCases(makeRuntime);
    runCases(makeRuntime);
    lifecycleCases(makeRuntime);
    passwordCases(makeRuntime);
    reportCases(makeRuntime);
    tokenCases(makeRuntime);
  });
}

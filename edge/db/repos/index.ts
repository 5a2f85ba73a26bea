// Repositories: plain functions over `Db`, one file per aggregate. Expected failures are
// values (`{ok: false, code, message}`); only programming errors throw.
export * from './accounts.ts';
export * from './apps.ts';
export * from './cursor.ts';
export * from './groups.ts';
export * from './identities-bulk.ts';
export * from './identities.ts';
export * from './import-runs.ts';
export * from './manual-tasks.ts';
export * from './outbox.ts';
export * from './rule-sets.ts';
export * from './runs.ts';

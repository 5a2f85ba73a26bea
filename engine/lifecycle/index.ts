// Lifecycle policies: pure functions over plain data, wired into rule kinds and the planner elsewhere.
export * from './password-policy.ts';
export * from './validate-password.ts';
export { commonPasswordCount, isCommonPassword } from './common-passwords.ts';
export * from './attribute-sources.ts';
export * from './effective-dates.ts';
export * from './safety.ts';
export * from './overrides.ts';
export * from './schedule.ts';
export * from './password-sync.ts';

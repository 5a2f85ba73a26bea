// Runs written in ONE batch with another change (a status change, a password change, a SCIM
// write): the statements and audit event are storage's own (edge/db/repos/runs.ts).
export { newRun, runEvent, runStatements } from '../db/repos/runs.ts';

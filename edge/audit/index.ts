export type { AuditEvent, AuditHead, AuditRow } from './chain.ts';
export { GENESIS_HASH, appendAudit, auditHash, auditInserts, chainAudit, prepareAudit, readAuditHead, writeWithAudit } from './chain.ts';
export type { AuditProblem, AuditProblemKind, AuditVerdict } from './verify.ts';
export { verifyAudit } from './verify.ts';

// LDAP failures as values the edge understands: the LDAP result code and its name in the
// message, and whether trying again later can help. A directory that cannot be reached at all
// is `unreachable`: the agent waits for it instead of spending the action's tries.
import type { ConnectorFailure } from '../connectors/types.ts';

/** Result codes (RFC 4511 §4.1.9) the agent names, with whether a retry can succeed. */
export const LDAP_CODES: Record<number, { name: string; retryable: boolean }> = {
  1: { name: 'operationsError', retryable: true },
  3: { name: 'timeLimitExceeded', retryable: true },
  11: { name: 'adminLimitExceeded', retryable: true },
  16: { name: 'noSuchAttribute', retryable: false },
  17: { name: 'undefinedAttributeType', retryable: false },
  19: { name: 'constraintViolation', retryable: false },
  20: { name: 'attributeOrValueExists', retryable: false },
  21: { name: 'invalidAttributeSyntax', retryable: false },
  32: { name: 'noSuchObject', retryable: false },
  34: { name: 'invalidDNSyntax', retryable: false },
  49: { name: 'invalidCredentials', retryable: false },
  50: { name: 'insufficientAccessRights', retryable: false },
  51: { name: 'busy', retryable: true },
  52: { name: 'unavailable', retryable: true },
  53: { name: 'unwillingToPerform', retryable: false },
  64: { name: 'namingViolation', retryable: false },
  65: { name: 'objectClassViolation', retryable: false },
  67: { name: 'notAllowedOnRDN', retryable: false },
  68: { name: 'entryAlreadyExists', retryable: false },
  80: { name: 'other', retryable: true },
};

export const NO_SUCH_OBJECT = 32;
export const ALREADY_EXISTS = 68;
export const VALUE_EXISTS = 20;
export const NO_SUCH_ATTRIBUTE = 16;

export interface AgentFailure extends ConnectorFailure {
  /** The LDAP result code, when the directory answered. */
  ldapCode?: number;
  /** The directory could not be reached (connection refused, reset, timed out). */
  unreachable?: boolean;
}

/** The LDAP result code of an ldapts error, if it carries one. */
export function ldapCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Connection-level failures: no result code, a socket error, or ldapts' own timeouts. */
export function isUnreachable(error: unknown): boolean {
  if (ldapCode(error) !== undefined) return false;
  const text = `${(error as { code?: unknown })?.code ?? ''} ${error instanceof Error ? error.message : String(error)}`;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|socket|connection|timeout|closed/i.test(text);
}

/** An ldapts error (or anything thrown) as a failure; the message never holds a secret. */
export function ldapFailure(error: unknown, what: string): AgentFailure {
  const code = ldapCode(error);
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/\s*Code: 0x[0-9a-f]+$/i, '') ?? '';
  if (code !== undefined) {
    const known = LDAP_CODES[code];
    const name = known?.name ?? 'unknown';
    return { ok: false, error: `${what}: ldap ${code} ${name}${message ? `: ${message}` : ''}`, retryable: known?.retryable ?? false, ldapCode: code };
  }
  if (isUnreachable(error)) return { ok: false, error: `${what}: directory unreachable: ${message}`, retryable: true, unreachable: true };
  return { ok: false, error: `${what}: ${message}`, retryable: true };
}

export function ldapRefusal(error: string, ldapCodeValue?: number): AgentFailure {
  return { ok: false, error, retryable: false, ...(ldapCodeValue !== undefined ? { ldapCode: ldapCodeValue } : {}) };
}

// Verifies an OIDC ID token with `jose` against its issuer's JWKS: signature, issuer,
// audience, expiry and not-before. The issuer must be configured; its JWKS is fetched by
// jose's remote key set (cached, refetched on an unknown `kid`). Every refusal is a value
// with a one-line reason a login front end can log; the token itself is never echoed.
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';

export const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];

export type VerifyResult =
  | { ok: true; claims: JWTPayload & Record<string, unknown>; issuer: JitIssuer }
  /** 401: the token is not acceptable; 503: the issuer's keys could not be read. */
  | { ok: false; status: 401 | 503; reason: string };

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const keySets = new Map<string, KeySet>();

function keySet(uri: string): KeySet {
  let set = keySets.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    keySets.set(uri, set);
  }
  return set;
}

const refuse = (reason: string): VerifyResult => ({ ok: false, status: 401, reason });

export async function verifyIdToken(token: string, issuers: readonly JitIssuer[], now: Date): Promise<VerifyResult> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    unverified = decodeJwt(token);
  } catch {
    return refuse('the id token is not a well-formed jwt');
  }
  if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') return refuse('unsigned id tokens (alg `none`) are refused');
  const issuer = issuers.find((i) => i.issuer === unverified.iss);
  if (!issuer) return refuse(`issuer \`${String(unverified.iss ?? '(none)').slice(0, 200)}\` is not trusted`);
  const algorithms = issuer.algorithms ?? DEFAULT_ALGORITHMS;
  if (!algorithms.includes(header.alg)) return refuse(`algorithm \`${header.alg}\` is not accepted for issuer \`${issuer.issuer}\``);
  try {
    const { payload } = await jwtVerify(token, keySet(issuer.jwksUri), { issuer: issuer.issuer, audience: issuer.audience, algorithms, currentDate: now, requiredClaims: ['sub', 'exp'] });
    return { ok: true, claims: payload as JWTPayload & Record<string, unknown>, issuer };
  } catch (error) {
    return explain(error, issuer);
  }
}

function explain(error: unknown, issuer: JitIssuer): VerifyResult {
  if (error instanceof errors.JWTExpired) return refuse('the id token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return refuse(`the id token's audience is not \`${[issuer.audience].flat().join('` or `')}\``);
    if (error.claim === 'nbf') return refuse('the id token is not valid yet (nbf)');
    if (error.claim === 'iss') return refuse(`the id token's issuer is not \`${issuer.issuer}\``);
    if (error.claim === 'iat') return refuse('the id token was issued in the future (iat)');
    return refuse(`the id token's \`${error.claim}\` claim is missing or invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('the id token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return refuse(`no key of issuer \`${issuer.issuer}\` matches the id token's \`kid\``);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return refuse('the id token algorithm is not accepted');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return { ok: false, status: 503, reason: `the keys of issuer \`${issuer.issuer}\` cannot be read` };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refuse('the id token is not a well-formed jwt');
  if (error instanceof errors.JOSEError) return refuse(`the id token was refused (${error.code})`);
  // fetch failures (connection refused, DNS) surface as plain errors from the key set.
  return { ok: false, status: 503, reason: `the keys of issuer \`${issuer.issuer}\` cannot be read` };
}

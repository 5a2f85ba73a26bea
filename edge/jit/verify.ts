// Verifies an OIDC ID token with `jose` against its issuer's JWKS: signature, issuer,
// audience, expiry, not-before and issued-at (OIDC Core 3.1.3.7), and, when there are several
// audiences or an `azp`, that the token was issued to us. The issuer must be configured; its
// keys come from issuer-keys.ts. Every refusal is a value with a one-line reason a login front
// end can log; the token itself is never echoed.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';
import { KeysUnreadable, issuerKeys } from './issuer-keys.ts';

export const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'];

export type VerifyResult =
  | { ok: true; claims: JWTPayload & Record<string, unknown>; issuer: JitIssuer }
  /** 401: the token is not acceptable; 503: the issuer's keys could not be read. */
  | { ok: false; status: 401 | 503; reason: string };

/** Clock skew allowed between us and an issuer, on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE_S = 60;
/** An ID token is for the login that just happened: one issued longer ago than this is refused. */
export const MAX_TOKEN_AGE = '1d';

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
  // An OAuth access token (RFC 9068) from the same issuer may carry our audience; it is not a login.
  if (typeof header.typ === 'string' && /^(application\/)?at\+jwt$/i.test(header.typ)) return refuse('an access token (typ `at+jwt`) is not an id token');
  const issuer = issuers.find((i) => i.issuer === unverified.iss);
  if (!issuer) return refuse(`issuer \`${String(unverified.iss ?? '(none)').slice(0, 200)}\` is not trusted`);
  const algorithms = issuer.algorithms ?? DEFAULT_ALGORITHMS;
  if (!algorithms.includes(header.alg)) return refuse(`algorithm \`${header.alg}\` is not accepted for issuer \`${issuer.issuer}\``);
  try {
    const { payload } = await jwtVerify(token, issuerKeys(issuer.jwksUri), {
      issuer: issuer.issuer,
      audience: issuer.audience,
      algorithms,
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat'],
      maxTokenAge: MAX_TOKEN_AGE,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    const party = authorizedParty(payload, issuer);
    if (party) return refuse(party);
    return { ok: true, claims: payload as JWTPayload & Record<string, unknown>, issuer };
  } catch (error) {
    return explain(error, issuer);
  }
}

/** Why the token was not issued to us (OIDC Core 3.1.3.7, points 4 and 5), or undefined when it was. */
function authorizedParty(payload: JWTPayload, issuer: JitIssuer): string | undefined {
  const ours = [issuer.audience].flat();
  const azp = payload.azp;
  if (azp === undefined) return [payload.aud].flat().length > 1 ? `the id token has several audiences and no \`azp\` naming \`${ours.join('` or `')}\`` : undefined;
  if (typeof azp !== 'string' || !ours.includes(azp)) return `the id token was issued to another client (azp \`${String(azp).slice(0, 200)}\`), not \`${ours.join('` or `')}\``;
  return undefined;
}

function explain(error: unknown, issuer: JitIssuer): VerifyResult {
  if (error instanceof KeysUnreadable) return { ok: false, status: 503, reason: `the keys of issuer \`${issuer.issuer}\` cannot be read: ${error.message}` };
  if (error instanceof errors.JWTExpired) return refuse(error.claim === 'iat' ? 'the id token was issued too long ago (iat)' : 'the id token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return refuse(`the id token's audience is not \`${[issuer.audience].flat().join('` or `')}\``);
    if (error.claim === 'nbf') return refuse('the id token is not valid yet (nbf)');
    if (error.claim === 'iss') return refuse(`the id token's issuer is not \`${issuer.issuer}\``);
    if (error.claim === 'iat') return refuse(error.reason === 'missing' ? 'the id token has no `iat` claim' : 'the id token was issued in the future (iat)');
    return refuse(`the id token's \`${error.claim}\` claim is missing or invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('the id token signature does not verify');
  if (error instanceof errors.JWKSNoMatchingKey) return refuse(`no key of issuer \`${issuer.issuer}\` matches the id token's \`kid\``);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return refuse('the id token algorithm is not accepted');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return { ok: false, status: 503, reason: `the keys of issuer \`${issuer.issuer}\` cannot be read` };
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return refuse('the id token is not a well-formed jwt');
  if (error instanceof errors.JOSEError) return refuse(`the id token was refused (${error.code})`);
  // Nothing else is expected from jose; the token is not blamed for it.
  return { ok: false, status: 503, reason: `the keys of issuer \`${issuer.issuer}\` cannot be read` };
}

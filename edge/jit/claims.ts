// What a verified ID token says about its user: the login, the optional id and the profile
// attributes the issuer's claim map names, each checked as an HR record's would be. A claim the
// issuer does not vouch for is not used: `email` counts only with `email_verified: true` (OIDC
// Core 5.1; Entra and many social IdPs let a user type any address), because a rule may grant on
// its domain and a login taken from it would hand over whoever already has that address.
import { DEFAULT_JIT_CLAIMS } from '../../engine/rules/jit-settings.ts';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';
import type { AttributeType } from '../../engine/types.ts';
import { loginProblem, validateRecord } from '../import/validate.ts';


export type ClaimsRead = { ok: true; login: string; id?: string; attributes: Record<string, unknown> } | { ok: false; reason: string };

export function readClaims(claims: Record<string, unknown>, issuer: JitIssuer, types: Record<string, AttributeType>): ClaimsRead {
  const claimMap: Record<string, string> = { ...DEFAULT_JIT_CLAIMS, ...issuer.claims };
  const vouched = (claim: string) => claim !== 'email' || claims.email_verified === true;
  const attributes: Record<string, unknown> = {};
  for (const [attribute, claim] of Object.entries(claimMap)) {
    const value = claims[claim];
    if (value !== undefined && value !== null && attribute !== 'login' && attribute !== 'id' && vouched(claim)) attributes[attribute] = value;
  }

  const loginClaim = claimMap.login ?? 'preferred_username';
  const login = claims[loginClaim];
  if (typeof login !== 'string' || login === '') return refuse(`the id token has no \`${loginClaim}\` claim to use as the login`);
  if (!vouched(loginClaim)) return refuse(`the id token's \`${loginClaim}\` is not verified (\`email_verified\` is not true), so it cannot name the login`);
  const problem = loginProblem(login);
  if (problem) return refuse(`the id token's \`${loginClaim}\` claim ${problem}`);

  const idClaim = claimMap.id;
  const idValue = idClaim === undefined ? undefined : claims[idClaim];
  const id = idValue === undefined || idValue === null || idValue === '' ? undefined : idValue;
  if (id !== undefined && idClaim !== undefined && !vouched(idClaim)) return refuse(`the id token's \`${idClaim}\` is not verified (\`email_verified\` is not true), so it cannot name the identity`);
  // The id and attributes are checked as an HR record (ids, email, names, declared types, time zone, dates).
  const checked = validateRecord({ line: 1, value: { id: id ?? 'jit', ...attributes } }, { mode: 'incremental', types });
  if (!checked.ok) return refuse(`the id token's claims do not fit the profile: ${checked.errors.map((e) => e.message).join('; ')}`);
  return { ok: true, login, ...(id === undefined ? {} : { id: checked.change.id }), attributes };
}

const refuse = (reason: string): ClaimsRead => ({ ok: false, reason });

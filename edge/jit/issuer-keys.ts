// The JWKS of each trusted issuer, held by jose's remote key set (kept 10 minutes, refetched on
// an unknown `kid` at most every 30 s). The fetch is ours so that an issuer whose endpoint is
// down, slow or answers garbage is asked again at most once per RETRY_AFTER_MS, however many
// logins arrive meanwhile: a login storm during an IdP outage must not become a storm at the IdP.
// Keys still cached keep verifying through an outage; every failure says what went wrong.
// Keys are only fetched over https (plain http to this machine aside, for tests and a local
// IdP): whoever could alter a JWKS in transit could sign in as anyone.
import { createRemoteJWKSet, customFetch } from 'jose';
import type { FetchImplementation } from 'jose';
import { jwksUriProblem } from '../../engine/rules/jit-settings.ts';

export const FETCH_TIMEOUT_MS = 3000;
export const RETRY_AFTER_MS = 5000;

/** The issuer's keys could not be fetched or read: a 503, not the token's fault. */
export class KeysUnreadable extends Error {
  override name = 'KeysUnreadable';
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;
/** The last failed fetch of an endpoint, until one succeeds. */
interface Health {
  failed?: { at: number; why: string };
}
const keySets = new Map<string, KeySet>();

export function issuerKeys(uri: string): KeySet {
  // Rule files and ROSTER_JIT_ISSUERS are checked for this already; a stored setting from before is not.
  const problem = jwksUriProblem(uri);
  if (problem !== undefined) throw new KeysUnreadable(problem);
  const url = new URL(uri);
  let keys = keySets.get(uri);
  if (!keys) {
    keys = createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000, [customFetch]: guardedFetch({}) });
    keySets.set(uri, keys);
  }
  return keys;
}

function guardedFetch(state: Health): FetchImplementation {
  return async (url, init) => {
    const failed = state.failed;
    if (failed && Date.now() - failed.at < RETRY_AFTER_MS) throw new KeysUnreadable(`${failed.why}; asked again at most every ${RETRY_AFTER_MS / 1000} s`);
    try {
      const response = await fetch(url, init).catch((error: unknown) => {
        throw new KeysUnreadable(init.signal.aborted ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : `the request failed (${error instanceof Error ? error.message : String(error)})`);
      });
      if (response.status !== 200) throw new KeysUnreadable(`its JWKS endpoint answered HTTP ${response.status}`);
      const text = await response.text();
      if (!isJwks(text)) throw new KeysUnreadable('its JWKS endpoint did not answer a JSON key set');
      state.failed = undefined;
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      const why = error instanceof KeysUnreadable ? error.message : `no answer within ${FETCH_TIMEOUT_MS / 1000} s`;
      state.failed = { at: Date.now(), why };
      throw error instanceof KeysUnreadable ? error : new KeysUnreadable(why);
    }
  };
}

function isJwks(text: string): boolean {
  try {
    const json: unknown = JSON.parse(text);
    const keys = typeof json === 'object' && json !== null ? (json as { keys?: unknown }).keys : undefined;
    return Array.isArray(keys) && keys.every((key) => typeof key === 'object' && key !== null && !Array.isArray(key));
  } catch {
    return false;
  }
}

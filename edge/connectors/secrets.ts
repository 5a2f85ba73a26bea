// Secrets in an app's connector config (a SCIM bearer token, an OAuth client secret, a REST
// API key, an SMTP password) are write-only and sealed at rest: the API and the audit log show
// `(redacted)`, the database holds each one AES-GCM sealed with the seal key and bound to its
// app and path, and only the code that builds a connector opens them.
import { seal, unseal } from '../services/passwords.ts';

export const REDACTED = '(redacted)';

/** Keys whose values are secrets, wherever they appear in a config (`tokenUrl` is an address, not one). */
const SECRET_KEY = /token|secret|password|passwd|key|credential|bearer/i;
const ADDRESS_KEY = /url$/i;

/** The path of a value in a config: its keys from the top (`auth.token`). */
type Path = readonly string[];

/**
 * A secret: a key named like one, the `value` of a REST app's header auth (an API key), or an
 * address with a password in it (`https://user:pass@host`), which is a secret whatever its key.
 */
export function isSecret(path: Path, parent: Record<string, unknown>): boolean {
  const key = path[path.length - 1] ?? '';
  return (SECRET_KEY.test(key) && !ADDRESS_KEY.test(key)) || (key === 'value' && path[path.length - 2] === 'auth' && parent.type === 'header') || hasPassword(parent[key]);
}

function hasPassword(value: unknown): boolean {
  return typeof value === 'string' && URL.canParse(value) && new URL(value).password !== '';
}

type Visit = (value: unknown, path: Path) => unknown | Promise<unknown>;

/** The config with every secret value replaced by what `visit` returns for it. */
async function mapSecrets(config: Record<string, unknown>, visit: Visit, path: Path = []): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const at = [...path, key];
    if (isSecret(at, config) || isSealed(value)) out[key] = await visit(value, at);
    else if (isObject(value)) out[key] = await mapSecrets(value, visit, at);
    else out[key] = value;
  }
  return out;
}

/** The config as responses and audit events show it: secrets `(redacted)`. */
export function redactSecrets(config: Record<string, unknown>, path: Path = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const at = [...path, key];
    out[key] = isSecret(at, config) || isSealed(value) ? REDACTED : isObject(value) ? redactSecrets(value, at) : value;
  }
  return out;
}

/** A config sent back with `(redacted)` where a secret was: those keep what is stored. */
export function keepRedacted(next: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    const old = stored[key];
    if (value === REDACTED) out[key] = old;
    else if (isObject(value) && isObject(old)) out[key] = keepRedacted(value, old);
    else out[key] = value;
  }
  return out;
}

const context = (appId: string, path: Path) => `app:${appId}:${path.join('.')}`;

/**
 * The config to store: every secret sealed (its JSON, so a secret object or number survives),
 * bound to the app and the path. A value already sealed (kept from the stored config) stays.
 */
export function sealSecrets(key: CryptoKey, appId: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
  return mapSecrets(config, (value, path) => (isSealed(value) ? value : seal(key, JSON.stringify(value ?? null), context(appId, path))));
}

/** Whether a stored config still holds a secret that is not sealed (stored before sealing). */
export async function hasPlainSecret(config: Record<string, unknown>): Promise<boolean> {
  let plain = false;
  await mapSecrets(config, (value) => {
    if (!isSealed(value)) plain = true;
  });
  return plain;
}

export type Opened = { ok: true; config: Record<string, unknown> } | { ok: false; error: string };

/**
 * The config a connector is built from, its secrets opened. A secret that looks sealed but does
 * not open (another seal key, or moved from another app) is an error naming it, never sent on;
 * one that is not sealed at all (stored before sealing) is used as it is.
 */
export async function openSecrets(key: CryptoKey, appId: string, config: Record<string, unknown>): Promise<Opened> {
  const failed: string[] = [];
  const opened = await mapSecrets(config, async (value, path) => {
    if (!isSealed(value)) return value;
    const text = await unseal(key, value, context(appId, path));
    if (text === undefined) {
      failed.push(path.join('.'));
      return undefined;
    }
    return JSON.parse(text) as unknown;
  });
  if (failed.length > 0) return { ok: false, error: `the secret${failed.length === 1 ? '' : 's'} ${failed.map((p) => `\`${p}\``).join(', ')} of app \`${appId}\` could not be opened: sealed with another seal key (was \`ROSTER_SEAL_KEY\` or \`seal.key\` changed?); set ${failed.length === 1 ? 'it' : 'them'} again with PATCH /v1/apps/${appId}` };
  return { ok: true, config: opened };
}

/**
 * What `seal` writes: `v1.<iv>.<ciphertext>`, a 12-byte iv and at least a 16-byte tag. Sealed is
 * secret whatever its key (an address with a password in it is sealed under `baseUrl`), so the
 * lengths keep a value such as `v1.2.0` from passing for one.
 */
const SEALED = /^v1\.[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/]{22,}={0,2}$/;
const isSealed = (value: unknown): value is string => typeof value === 'string' && SEALED.test(value);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

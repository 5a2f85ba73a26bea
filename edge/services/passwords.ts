// Password hashing (scrypt, PHC-style strings) and sealing (AES-GCM) with portable primitives:
// @noble/hashes and Web Crypto, so the same code runs on Node and Workers.
import { scryptAsync } from '@noble/hashes/scrypt.js';

export interface ScryptCost {
  /** log2(N). */
  ln: number;
  r: number;
  p: number;
}

/** OWASP's scrypt floor (N=2^17, r=8, p=1) costs ~0.5 s in pure JS; 2^15 keeps logins usable. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { ln: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export async function hashPasswordScrypt(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
  const key = await scryptAsync(utf8(password), salt, { N: 2 ** cost.ln, r: cost.r, p: cost.p, dkLen: KEY_LENGTH });
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

/** False for a wrong password and for a hash that is not ours (never throws). */
export async function verifyPasswordScrypt(password: string, hash: string): Promise<boolean> {
  const m = PHC.exec(hash);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (ln < 1 || ln > 20 || r < 1 || p < 1) return false;
  const expected = unb64(m[5] as string);
  const key = await scryptAsync(utf8(password), unb64(m[4] as string), { N: 2 ** ln, r, p, dkLen: expected.length });
  let diff = key.length ^ expected.length;
  for (let i = 0; i < Math.min(key.length, expected.length); i++) diff |= (key[i] as number) ^ (expected[i] as number);
  return diff === 0;
}

export async function generateSealKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** A seal key from 32 bytes in base64 (e.g. `ROSTER_SEAL_KEY`). */
export async function importSealKey(base64: string): Promise<CryptoKey> {
  const text = base64.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new Error('a seal key is 32 bytes in base64: this one is not base64');
  const raw = unb64(text);
  if (raw.length !== 32) throw new Error(`a seal key is 32 bytes in base64, got ${raw.length} bytes`);
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** A sealed secret: `v1.<iv>.<ciphertext>` (base64), bound to `context` (e.g. `user:app`). */
export async function seal(key: CryptoKey, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, key, utf8(plaintext));
  return `v1.${b64(iv)}.${b64(new Uint8Array(data))}`;
}

/** The plaintext, or undefined when the value was not sealed with this key and context. */
export async function unseal(key: CryptoKey, sealed: string, context: string): Promise<string | undefined> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) return undefined;
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(iv), additionalData: utf8(context) }, key, unb64(data));
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function b64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, '');
}

function unb64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

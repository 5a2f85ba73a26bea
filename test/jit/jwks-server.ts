// A real JWKS endpoint on 127.0.0.1 for tests and benchmarks, with keys from jose, and a
// signer for ID tokens from it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** How the JWKS endpoint answers: its keys, or as an issuer in trouble does. */
export type JwksMode = 'keys' | 'http-500' | 'not-json' | 'not-a-key-set' | 'hang';

export interface Issuer {
  url: string;
  jwksUri: string;
  /** How many times the JWKS was asked for. */
  fetches(): number;
  setMode(mode: JwksMode): void;
  sign(
    claims: JWTPayload,
    options?: { kid?: string; key?: KeyPair['privateKey']; alg?: string; typ?: string; issuer?: string; audience?: string | string[]; issuedAt?: number; expiresIn?: string | number; notBefore?: string | number },
  ): Promise<string>;
  otherKey(): Promise<KeyPair>;
  close(): Promise<void>;
}

export async function startIssuer(options: { kid?: string; alg?: 'RS256' | 'ES256' } = {}): Promise<Issuer> {
  const alg = options.alg ?? 'ES256';
  const kid = options.kid ?? 'key-1';
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  let fetches = 0;
  let mode: JwksMode = 'keys';
  const answers: Record<Exclude<JwksMode, 'hang'>, [number, string]> = {
    keys: [200, JSON.stringify({ keys: [jwk] })],
    'http-500': [500, '{"error":"down for maintenance"}'],
    'not-json': [200, '<html>sign in</html>'],
    'not-a-key-set': [200, '{"issuer":"elsewhere"}'],
  };
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      fetches++;
      if (mode === 'hang') return;
      const [status, body] = answers[mode];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    jwksUri: `${url}/jwks`,
    fetches: () => fetches,
    setMode: (next) => {
      mode = next;
    },
    async sign(claims, o = {}) {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: o.alg ?? alg, kid: o.kid ?? kid, typ: o.typ ?? 'JWT' })
        .setIssuer(o.issuer ?? url)
        .setAudience(o.audience ?? 'roster')
        .setIssuedAt(o.issuedAt)
        .setExpirationTime(o.expiresIn ?? '10m');
      if (o.notBefore !== undefined) jwt.setNotBefore(o.notBefore);
      return jwt.sign(o.key ?? pair.privateKey);
    },
    otherKey: () => generateKeyPair(alg, { extractable: true }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An unsigned token (`alg: none`): jose will not make one, so it is assembled by hand. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

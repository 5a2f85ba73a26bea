// A real JWKS endpoint on 127.0.0.1 for tests and benchmarks, with keys from jose, and a
// signer for ID tokens from it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JWTPayload } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface Issuer {
  url: string;
  jwksUri: string;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  sign(claims: JWTPayload, options?: { kid?: string; key?: KeyPair['privateKey']; alg?: string; issuer?: string; audience?: string; expiresIn?: string | number; notBefore?: string | number }): Promise<string>;
  otherKey(): Promise<KeyPair>;
  close(): Promise<void>;
}

export async function startIssuer(options: { kid?: string; alg?: 'RS256' | 'ES256' } = {}): Promise<Issuer> {
  const alg = options.alg ?? 'ES256';
  const kid = options.kid ?? 'key-1';
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url === '/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
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
    async sign(claims, o = {}) {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: o.alg ?? alg, kid: o.kid ?? kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? url)
        .setAudience(o.audience ?? 'roster')
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '10m');
      if (o.notBefore !== undefined) jwt.setNotBefore(o.notBefore);
      return jwt.sign(o.key ?? pair.privateKey);
    },
    otherKey: () => generateKeyPair(alg, { extractable: true }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An unsigned token (`alg: none`): jose will not make one, so it is assembled by hand. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

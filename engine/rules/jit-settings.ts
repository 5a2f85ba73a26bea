// `settings.jit`: the OIDC issuers whose ID tokens may create or update identities at login,
// and which claim fills which profile attribute. The edge verifies tokens; this is only shape.
import { z } from 'zod';

/** Attribute ← claim; `login` is the identity's login, `id` (optional) its id. */
export const DEFAULT_JIT_CLAIMS: Readonly<Record<string, string>> = { login: 'preferred_username', email: 'email', firstName: 'given_name', lastName: 'family_name' };

/**
 * Why keys may not be fetched from `uri`, or undefined when they may: only over https (plain
 * http to this machine aside): whoever could alter a JWKS in transit could sign in as anyone.
 */
export function jwksUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `\`${uri}\` is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `jwksUri \`${uri}\` is not https: keys fetched over plain http could be swapped in transit`;
}

/** This machine: `localhost`, `[::1]` or 127.x.x.x, where plain http never leaves it. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);

export const jitIssuerSchema = z.strictObject({
  issuer: z.string().min(1).describe('the `iss` claim, exactly, e.g. `https://login.acme.example`'),
  jwksUri: z
    .url()
    .refine((uri) => jwksUriProblem(uri) === undefined, { error: (issue) => jwksUriProblem(String(issue.input)) ?? 'invalid jwksUri' })
    .describe("the issuer's JWKS URL: https (plain http only to this machine, for tests and a local IdP)"),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).describe('accepted `aud` values (the client id of the login front end)'),
  algorithms: z.array(z.string().min(1)).min(1).optional().describe('accepted signature algorithms; default RS256, ES256, PS256, EdDSA'),
  claims: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe('profile attribute ← claim name; `login` and the optional `id` name the identity; default login ← preferred_username, email, firstName ← given_name, lastName ← family_name'),
});

export const jitSettingsSchema = z
  .strictObject({ issuers: z.array(jitIssuerSchema).min(1) })
  .describe('just-in-time provisioning at login: trusted OIDC issuers');

export type JitIssuer = z.infer<typeof jitIssuerSchema>;
export type JitSettings = z.infer<typeof jitSettingsSchema>;

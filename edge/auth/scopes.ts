// The scopes a bearer token can have, in a module with no imports, so the CLI can name them
// without loading the database modules. What each may call is edge/http/auth.ts's.
export const TOKEN_SCOPES = ['admin', 'read', 'scim', 'agent', 'jit'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: string): value is TokenScope {
  return (TOKEN_SCOPES as readonly string[]).includes(value);
}

// One SCIM request as the handlers see it, whether it came over HTTP or inside /Bulk, and the
// source rules: a token acts for its bound source (tokens.sourceId) or for `scim` when
// unbound. A bound token sees and changes only the resources its source created: others
// answer 404, as if absent. An unbound token sees everything but may not change a resource
// another source created (403).
import type { SQL } from 'drizzle-orm';
import { eq } from 'drizzle-orm';
import type { Db, WriteContext } from '../../db/index.ts';
import type { PasswordDeps } from '../../services/password-change.ts';
import { forbidden, notFound, preconditionFailed } from '../errors.ts';
import type { ScimRow } from '../resource/meta.ts';
import { etagMatches } from '../resource/meta.ts';
import { SCIM_SOURCE, r } from '../store/users.ts';

export interface ScimRequest {
  method: string;
  /** Path below /scim/v2, e.g. `/Users/abc`. */
  path: string;
  query: Record<string, string | undefined>;
  body: unknown;
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export interface ScimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Caller {
  tokenId: string;
  /** The source this token writes as: its sourceId, or `scim`. */
  source: string;
  /** Whether the token is bound to one source (and so sees only that source's resources). */
  bound: boolean;
}

export interface ScimContext {
  db: Db;
  /** Absolute URL of /scim/v2, for `meta.location` and `$ref`. */
  base: string;
  caller: Caller;
  write: WriteContext;
  newId(): string;
  /** Hashing, verifying and sealing for a `password` a client sets (edge/services/password-change.ts). */
  passwords: PasswordDeps;
}

export function callerOf(token: { id: string; sourceId: string | null }): Caller {
  return { tokenId: token.id, source: token.sourceId ?? SCIM_SOURCE, bound: token.sourceId !== null };
}

/** The list scope: a bound token's own resources only. */
export function scopeSql(caller: Caller): SQL | undefined {
  return caller.bound ? eq(r.source, caller.source) : undefined;
}

export function visible(caller: Caller, scim: ScimRow | undefined): boolean {
  return !caller.bound || scim?.source === caller.source;
}

/** 404 when the caller may not see it, 403 when it may see but not change it. */
export function checkWritable(caller: Caller, scim: ScimRow | undefined, what: string): void {
  if (!visible(caller, scim)) throw notFound(`no ${what}`);
  if (scim !== undefined && scim.source !== caller.source) throw forbidden(`${what} belongs to source \`${scim.source}\`; this token writes as \`${caller.source}\``);
}

/** RFC 7644 §3.14: a write with If-Match must name the current version (412 otherwise). */
export function checkIfMatch(req: ScimRequest, version: string): void {
  if (req.ifMatch !== undefined && !etagMatches(req.ifMatch, version)) throw preconditionFailed(`the resource is at version ${version}, not ${req.ifMatch}`);
}

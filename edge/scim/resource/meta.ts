// scim_resources rows and versions (RFC 7644 §3.14): a User's version is its identity's
// version counter (bumped by every write, whoever writes); a Group's is a hash of everything
// it shows, members included, so a membership changed by rules changes the Group's ETag too.
import { canonicalJson, sha256Hex } from '../../../engine/hash.ts';
import type { scimResources } from '../../db/schema.ts';

export type ScimRow = typeof scimResources.$inferSelect;

export function userVersion(version: number): string {
  return `W/"${version}"`;
}

export function groupVersion(group: { name: string; externalId: string | null; members: readonly string[] }): string {
  const members = [...group.members].sort();
  return `W/"${sha256Hex(canonicalJson({ name: group.name, externalId: group.externalId, members })).slice(0, 20)}"`;
}

/** RFC 7232 §3.1/§3.2: `*`, or a list of entity tags compared weakly (W/ ignored). */
export function etagMatches(header: string | undefined, version: string): boolean {
  if (header === undefined) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return trimmed.split(',').some((tag) => strip(tag) === strip(version));
}

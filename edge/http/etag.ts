// ETags and If-Match: users carry a version (`"v3"`); groups and apps a content hash.
import { hashJson } from '../../engine/hash.ts';
import { ApiError } from './errors.ts';

export const versionTag = (version: number): string => `"v${version}"`;
export const contentTag = (value: unknown): string => `"${hashJson(value).slice(0, 16)}"`;

/** The tags an If-Match header lists (weak prefixes dropped), or undefined when absent. */
export function ifMatchTags(header: string | undefined): string[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  return header.split(',').map((t) => t.trim().replace(/^W\//, ''));
}

/** 412 unless If-Match is absent, `*`, or lists `current`. */
export function checkIfMatch(header: string | undefined, current: string): void {
  const tags = ifMatchTags(header);
  if (tags === undefined || tags.includes('*') || tags.includes(current)) return;
  throw new ApiError(412, 'precondition_failed', `If-Match \`${tags.join(', ')}\` does not match the current ETag \`${current}\``, { etag: current });
}

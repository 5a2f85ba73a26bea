// An admin's profile edit (`POST`/`PATCH /v1/users`) is one more attribute source, `admin`:
// recorded beside HR's, the directory's, SCIM's and login claims' values, so a later import from
// any of them keeps it. An edit of an attribute a higher source holds would not take effect (and
// the next import would undo it in the admin's eyes), so it is refused, naming that source.
import { effectiveAttributes, emptyProfile, mergeProfile, sameValue, sourcesFor } from '../../engine/lifecycle/attribute-sources.ts';
import type { SourcedProfile } from '../../engine/lifecycle/attribute-sources.ts';
import type { Identity } from '../db/repos/identities.ts';
import { ApiError } from '../http/errors.ts';
import { ADMIN_SOURCE, DEFAULT_ATTRIBUTE_SOURCES, storedSources } from '../import/merge.ts';

export interface Mastered {
  attribute: string;
  /** The source whose value is in effect and ranks above admin edits (none: admin edits may not set it). */
  source: string | null;
}

/**
 * The profile and sources to store after `edit` (an attribute's new value, or `null` to clear
 * the admin's) over `current` (none: a new identity); throws 409 `attribute_mastered` naming
 * every attribute a higher source holds. Sending the value already in effect is no change.
 */
export function adminProfileEdit(current: Pick<Identity, 'profile' | 'sources'> | undefined, edit: Record<string, unknown>): Pick<Identity, 'profile' | 'sources'> {
  const sources = DEFAULT_ATTRIBUTE_SOURCES;
  const before: SourcedProfile = current ? storedSources(current, sources) : emptyProfile();
  const mine: Record<string, unknown> = {};
  const mastered: Mastered[] = [];
  for (const [attribute, value] of Object.entries(edit)) {
    const ranked = sourcesFor(sources, attribute);
    // Own keys only: `constructor` is no attribute, whatever Object.prototype says.
    const winner = Object.hasOwn(before.effective, attribute) ? before.effective[attribute] : undefined;
    if (!ranked.includes(ADMIN_SOURCE)) mastered.push({ attribute, source: winner?.source ?? null });
    else if (winner && ranked.indexOf(winner.source) < ranked.indexOf(ADMIN_SOURCE)) {
      if (value === null || !sameValue(value, winner.value)) mastered.push({ attribute, source: winner.source });
    } else mine[attribute] = value;
  }
  if (mastered.length > 0) throw masteredError(mastered);
  const merged = mergeProfile(before, ADMIN_SOURCE, mine, sources, 'incremental').profile;
  return { profile: effectiveAttributes(merged), sources: merged.values };
}

function masteredError(mastered: readonly Mastered[]): ApiError {
  const says = mastered.map(({ attribute, source }) =>
    source === null ? `admin edits may not set \`${attribute}\`` : `\`${attribute}\` comes from \`${source}\`, which ranks above admin edits: change it there`,
  );
  return new ApiError(409, 'attribute_mastered', says.join('; '), { attributes: mastered.map((m) => ({ ...m })) });
}

/** Where each attribute of the profile comes from: the source whose value is in effect. */
export function attributeSources(identity: Pick<Identity, 'profile' | 'sources'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [attribute, { source }] of Object.entries(storedSources(identity).effective)) out[attribute] = source;
  return out;
}

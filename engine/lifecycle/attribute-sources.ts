// One profile, many directories: each attribute has an ordered list of sources that may set
// it (highest first). Every source's value is kept, so when the owner drops an attribute the
// next source's value takes over; the effective value always names the source it came from.

/** Ordered source ids per attribute, highest first; the key `*` lists the sources of every unlisted attribute. */
export type AttributeSources = Record<string, readonly string[]>;

export const DEFAULT_SOURCES_KEY = '*';

export interface EffectiveValue {
  value: unknown;
  /** The source whose value won. */
  source: string;
}

export interface SourcedProfile {
  /** Every source's last value per attribute: `values[attribute][sourceId]`. */
  values: Record<string, Record<string, unknown>>;
  /** The winning value per attribute and who set it. */
  effective: Record<string, EffectiveValue>;
}

export type ImportMode = 'full' | 'incremental';

export type ProfileChange =
  /** The effective value changed (`previous` absent when the attribute was new). */
  | { type: 'set'; attribute: string; value: unknown; source: string; previous?: EffectiveValue; summary: string }
  /** No source has a value any more. */
  | { type: 'cleared'; attribute: string; previous: EffectiveValue; summary: string }
  /** The source's value was kept, but a higher source's value still wins. */
  | { type: 'shadowed'; attribute: string; value: unknown; source: string; winner: EffectiveValue; summary: string }
  /** The source may not set this attribute: nothing was stored. */
  | { type: 'ignored'; attribute: string; value: unknown; source: string; summary: string };

export interface MergeResult {
  profile: SourcedProfile;
  changes: ProfileChange[];
}

export const emptyProfile = (): SourcedProfile => ({ values: {}, effective: {} });

/** The sources that may set `attribute`, highest first. */
export function sourcesFor(sources: AttributeSources, attribute: string): readonly string[] {
  return Object.hasOwn(sources, attribute) ? (sources[attribute] ?? []) : (sources[DEFAULT_SOURCES_KEY] ?? []);
}

/** Structural equality over JSON-like values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameValue((a as Record<string, unknown>)[k], rb[k]));
}

function winner(attribute: string, byAttribute: Record<string, unknown> | undefined, sources: AttributeSources): EffectiveValue | undefined {
  if (!byAttribute) return undefined;
  for (const source of sourcesFor(sources, attribute)) {
    if (Object.hasOwn(byAttribute, source)) return { value: byAttribute[source], source };
  }
  return undefined;
}

function describeSet(attribute: string, next: EffectiveValue, previous: EffectiveValue | undefined, importFrom: string): string {
  if (next.source !== importFrom && previous?.source === importFrom) {
    return `\`${importFrom}\` dropped \`${attribute}\`: falls back to \`${next.source}\``;
  }
  return `\`${attribute}\` set by \`${next.source}\``;
}

/**
 * Merge one import from `importFrom` into `current`. `null` drops the source's value; in a
 * `full` import an attribute the source held but did not send is dropped too; in an
 * `incremental` import absent attributes are untouched. `current` is not modified.
 */
export function mergeProfile(
  current: SourcedProfile,
  importFrom: string,
  incoming: Record<string, unknown>,
  sources: AttributeSources,
  mode: ImportMode = 'full',
): MergeResult {
  const values: Record<string, Record<string, unknown>> = { ...current.values };
  const effective: Record<string, EffectiveValue> = { ...current.effective };
  const changes: ProfileChange[] = [];
  const touched = new Set<string>();

  const drop = (attribute: string): void => {
    const held = values[attribute];
    if (!held || !Object.hasOwn(held, importFrom)) return;
    const { [importFrom]: _dropped, ...rest } = held;
    if (Object.keys(rest).length === 0) delete values[attribute];
    else values[attribute] = rest;
    touched.add(attribute);
  };

  for (const [attribute, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    if (!sourcesFor(sources, attribute).includes(importFrom)) {
      if (value !== null) {
        changes.push({ type: 'ignored', attribute, value, source: importFrom, summary: `\`${importFrom}\` may not set \`${attribute}\`` });
      }
      continue;
    }
    if (value === null) {
      drop(attribute);
      continue;
    }
    const held = values[attribute];
    if (held && Object.hasOwn(held, importFrom) && sameValue(held[importFrom], value)) continue;
    values[attribute] = { ...held, [importFrom]: value };
    touched.add(attribute);
  }

  if (mode === 'full') {
    for (const attribute of Object.keys(current.values)) {
      if (incoming[attribute] === undefined) drop(attribute);
    }
  }

  for (const attribute of [...touched].sort()) {
    const previous = current.effective[attribute];
    const next = winner(attribute, values[attribute], sources);
    if (next) effective[attribute] = next;
    else delete effective[attribute];

    if (next && !(previous && previous.source === next.source && sameValue(previous.value, next.value))) {
      const change: ProfileChange = { type: 'set', attribute, value: next.value, source: next.source, summary: describeSet(attribute, next, previous, importFrom) };
      changes.push(previous ? { ...change, previous } : change);
    } else if (!next && previous) {
      changes.push({ type: 'cleared', attribute, previous, summary: `\`${importFrom}\` dropped \`${attribute}\` and no other source has it` });
    }
    const own = values[attribute]?.[importFrom];
    if (next && next.source !== importFrom && own !== undefined) {
      changes.push({
        type: 'shadowed',
        attribute,
        value: own,
        source: importFrom,
        winner: next,
        summary: `\`${importFrom}\` value for \`${attribute}\` kept; \`${next.source}\` ranks higher`,
      });
    }
  }
  return { profile: { values, effective }, changes };
}

/** Recompute every effective value, e.g. after the source order changed. */
export function recomputeEffective(profile: SourcedProfile, sources: AttributeSources): SourcedProfile {
  const effective: Record<string, EffectiveValue> = {};
  for (const attribute of Object.keys(profile.values).sort()) {
    const next = winner(attribute, profile.values[attribute], sources);
    if (next) effective[attribute] = next;
  }
  return { values: profile.values, effective };
}

/**
 * A stored identity's sourced profile: each source's values, plus every attribute of its
 * effective `profile` that no ranked source holds, as `adopter`'s value (written before sources
 * were recorded, or by a path that recorded none), so that no later merge drops it.
 */
export function storedProfile(values: SourcedProfile['values'], profile: Record<string, unknown>, sources: AttributeSources, adopter: string): SourcedProfile {
  let adopted: SourcedProfile['values'] | undefined;
  for (const [attribute, value] of Object.entries(profile)) {
    if (winner(attribute, values[attribute], sources) !== undefined) continue;
    adopted ??= { ...values };
    adopted[attribute] = { ...values[attribute], [adopter]: value };
  }
  return recomputeEffective({ values: adopted ?? values, effective: {} }, sources);
}

/** The flat attribute map the rules see. */
export function effectiveAttributes(profile: SourcedProfile): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [attribute, { value }] of Object.entries(profile.effective)) out[attribute] = value;
  return out;
}

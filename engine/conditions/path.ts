// The part of JSONPath that names one value: `$.manager.id`, `$.emails[0]`, `$['cost center']`.
// json-rules-engine resolves `path` with jsonpath-plus; for single-value paths its answer is the
// value reached by walking own properties, which is what `resolvePath` does without a library
// (wildcards, filters and recursive descent are rejected by the check stage instead).

export type PathSegment = string;

const DOT = /^\.([A-Za-z_$][\w$]*)/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/;
const LEADING = /^([A-Za-z_$][\w$]*)/;

/** Segments of a single-value path, or an error message. */
export function parsePath(path: string): { ok: true; segments: PathSegment[] } | { ok: false; error: string } {
  let rest = path.trim();
  const segments: PathSegment[] = [];
  if (rest.startsWith('$')) rest = rest.slice(1);
  else {
    const first = LEADING.exec(rest);
    if (!first) return { ok: false, error: `path \`${path}\` must start with \`$\` or a name` };
    segments.push(first[1]!);
    rest = rest.slice(first[0].length);
  }
  while (rest.length > 0) {
    const match = DOT.exec(rest) ?? INDEX.exec(rest) ?? QUOTED.exec(rest);
    if (!match) {
      return { ok: false, error: `path \`${path}\` is not supported at \`${rest}\`: use \`.name\`, \`[0]\` or \`['name']\` segments` };
    }
    const segment = match[1] ?? match[2]!;
    if (segment.length === 0) return { ok: false, error: `path \`${path}\` has an empty segment` };
    segments.push(segment.replace(/\\(.)/g, '$1'));
    rest = rest.slice(match[0].length);
  }
  return { ok: true, segments };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * json-rules-engine applies `path` only to objects; any other fact value is used as it is.
 * Below the root, each step follows an own property (strings and arrays included), else undefined.
 */
export function resolvePath(value: unknown, segments: PathSegment[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || current === undefined || !hasOwn.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

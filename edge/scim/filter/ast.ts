// The SCIM filter and PATCH-path syntax trees (RFC 7644 §3.4.2.2 and §3.5.2).

export const COMPARE_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

export type CompValue = string | number | boolean | null;

/** `[URI ":"] ATTRNAME ["." subAttr]`, as written (names keep the client's case). */
export interface AttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

export type Filter =
  | { type: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  | { type: 'present'; path: AttrPath }
  | { type: 'and' | 'or'; left: Filter; right: Filter }
  | { type: 'not'; filter: Filter }
  /** `emails[type eq "work"]`: some value of the multi-valued `path` matches `filter`. */
  | { type: 'valuePath'; path: AttrPath; filter: Filter };

/** A PATCH `path`: `attrPath`, or `valuePath ["." subAttr]`. */
export interface PatchPath {
  path: AttrPath;
  /** The value filter of `emails[type eq "work"]`. */
  filter?: Filter;
  /** The sub-attribute after a value filter: `.value` of `emails[type eq "work"].value`. */
  sub?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function pathText(path: AttrPath): string {
  const name = path.sub === undefined ? path.attr : `${path.attr}.${path.sub}`;
  return path.uri === undefined ? name : `${path.uri}:${name}`;
}

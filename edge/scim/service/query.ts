// List and search parameters (RFC 7644 §3.4.2, §3.4.3): filter, sortBy/sortOrder, 1-based
// startIndex, count (lowered to maxResults), attributes/excludedAttributes; from the query
// string of a GET or the body of a POST /.search.
import { and, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { identities } from '../../db/schema.ts';
import { badRequest } from '../errors.ts';
import { parseFilter } from '../filter/parse.ts';
import { attrPath } from '../filter/parse.ts';
import { DEFAULT_COUNT, MAX_RESULTS } from '../limits.ts';
import { isObject } from '../resource/coerce.ts';
import type { Projection } from '../resource/project.ts';
import { parseSelection } from '../resource/project.ts';
import { filterSql } from '../query/filter-sql.ts';
import type { TargetMap } from '../query/targets.ts';
import type { ListQuery } from '../store/users.ts';

export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

export interface ListParams {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: unknown;
  count?: unknown;
  attributes?: string | string[];
  excludedAttributes?: string | string[];
}

export interface PreparedList {
  query: ListQuery;
  startIndex: number;
  projection: Projection;
}

/** A /.search body (400 invalidSyntax when it is not a SearchRequest). */
export function searchParams(body: unknown): ListParams {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SEARCH_SCHEMA.toLowerCase())) {
    throw badRequest('invalidSyntax', `\`schemas\` must be [\`${SEARCH_SCHEMA}\`]`);
  }
  const out: ListParams = {};
  for (const name of ['filter', 'sortBy', 'sortOrder'] as const) {
    const v = body[name];
    if (v !== undefined && typeof v !== 'string') throw badRequest('invalidValue', `\`${name}\` must be a string`);
    if (typeof v === 'string') out[name] = v;
  }
  for (const name of ['attributes', 'excludedAttributes'] as const) {
    const v = body[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) throw badRequest('invalidValue', `\`${name}\` must be a list of attribute names`);
    out[name] = v as string | string[];
  }
  if (body.startIndex !== undefined) out.startIndex = body.startIndex;
  if (body.count !== undefined) out.count = body.count;
  return out;
}

function integer(name: string, value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n)) throw badRequest('invalidValue', `\`${name}\` must be an integer`);
  return n;
}

export function prepareList(map: TargetMap, params: ListParams, scope: SQL | undefined): PreparedList {
  const startIndex = Math.max(1, integer('startIndex', params.startIndex, 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, integer('count', params.count, DEFAULT_COUNT)));
  let where = scope;
  if (params.filter !== undefined) {
    const parsed = parseFilter(params.filter);
    if (!parsed.ok) throw badRequest('invalidFilter', `filter: ${parsed.message}`);
    where = where ? and(where, filterSql(map, parsed.value)) : filterSql(map, parsed.value);
  }
  const orderBy: SQL[] = [];
  if (params.sortBy !== undefined && params.sortBy !== '') orderBy.push(sortSql(map, params.sortBy, params.sortOrder));
  const projection: Projection = {};
  const attributes = parseSelection(map.rt, params.attributes);
  const excluded = parseSelection(map.rt, params.excludedAttributes);
  if (attributes) projection.attributes = attributes;
  if (excluded) projection.excluded = excluded;
  return { query: { where, orderBy, offset: startIndex - 1, limit: count }, startIndex, projection };
}

/** RFC 7644 §3.4.2.3: by the attribute's type and caseExact; missing values sort last. */
function sortSql(map: TargetMap, sortBy: string, sortOrder: string | undefined): SQL {
  const order = (sortOrder ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') throw badRequest('invalidValue', `\`sortOrder\` must be ascending or descending, not \`${sortOrder}\``);
  let path;
  try {
    path = attrPath(sortBy);
  } catch {
    throw badRequest('invalidValue', `\`sortBy\`: \`${sortBy}\` is not an attribute path`);
  }
  let target;
  try {
    target = map.target(path);
  } catch (error) {
    throw badRequest('invalidValue', `\`sortBy\`: ${(error as Error).message}`);
  }
  let expr: SQL;
  let nocase = false;
  if (target.kind === 'scalar') {
    expr = target.expr;
    nocase = (target.def.type === 'string' || target.def.type === 'reference') && !target.def.caseExact;
  } else if (target.kind === 'active') {
    expr = sql`(${target.expr} = 'ACTIVE')`;
  } else if (map.rt.name === 'User' && target.def.name === 'emails') {
    // A multi-valued attribute sorts by its primary value (§3.4.2.3): the identity's email.
    expr = sql`${identities.email}`;
    nocase = true;
  } else {
    throw badRequest('invalidValue', `\`sortBy\`: \`${sortBy}\` cannot be sorted on`);
  }
  const collated = nocase ? sql`${expr} COLLATE NOCASE` : expr;
  return order === 'ascending' ? sql`${collated} ASC NULLS LAST` : sql`${collated} DESC NULLS LAST`;
}

// /Bulk (RFC 7644 §3.7). Operations run one by one through the same handlers as single
// requests (each its own batch: the RFC does not make a bulk request atomic). `bulkId:x`
// references in paths and data resolve to the ids of resources created earlier in the
// request; an operation whose reference is not created yet waits until it is (§3.7.2),
// and one that can never resolve fails with 409. `failOnErrors` stops after that many errors.
// Over maxOperations or maxPayloadSize: 413, naming the limit (§3.7.4).
import { ScimError, badRequest, errorBody, isScimError, payloadTooLarge } from '../errors.ts';
import { MAX_OPERATIONS, MAX_PAYLOAD_SIZE } from '../limits.ts';
import type { JsonObject } from '../resource/coerce.ts';
import { isObject } from '../resource/coerce.ts';
import type { ScimContext, ScimResponse } from './context.ts';
import { dispatch } from './dispatch.ts';

export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

interface BulkOp {
  method: string;
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REF = /bulkId:([^/"\s]+)/g;

function readOps(body: unknown, size: number): { ops: BulkOp[]; failOnErrors: number | undefined } {
  if (size > MAX_PAYLOAD_SIZE) throw payloadTooLarge(`the bulk request is ${size} bytes, over maxPayloadSize (${MAX_PAYLOAD_SIZE})`);
  if (!isObject(body)) throw badRequest('invalidSyntax', 'the request body must be a JSON object');
  if (!Array.isArray(body.schemas) || !body.schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST.toLowerCase())) {
    throw badRequest('invalidSyntax', `\`schemas\` must be [\`${BULK_REQUEST}\`]`);
  }
  const list = body.Operations;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('invalidSyntax', '`Operations` must be a non-empty array');
  if (list.length > MAX_OPERATIONS) throw payloadTooLarge(`the bulk request has ${list.length} operations, over maxOperations (${MAX_OPERATIONS})`);
  const failOnErrors = body.failOnErrors;
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    throw badRequest('invalidValue', '`failOnErrors` must be a positive integer');
  }
  const seen = new Set<string>();
  const ops = list.map((raw, i): BulkOp => {
    if (!isObject(raw)) throw badRequest('invalidSyntax', `\`Operations[${i}]\` must be an object`);
    const method = typeof raw.method === 'string' ? raw.method.toUpperCase() : '';
    if (!METHODS.has(method)) throw badRequest('invalidValue', `\`Operations[${i}].method\` must be POST, PUT, PATCH or DELETE`);
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw badRequest('invalidValue', `\`Operations[${i}].path\` must be a path like \`/Users\``);
    const op: BulkOp = { method, path: raw.path };
    if (raw.bulkId !== undefined) {
      if (typeof raw.bulkId !== 'string' || raw.bulkId === '') throw badRequest('invalidValue', `\`Operations[${i}].bulkId\` must be a string`);
      if (seen.has(raw.bulkId)) throw badRequest('invalidValue', `bulkId \`${raw.bulkId}\` is used twice`);
      seen.add(raw.bulkId);
      op.bulkId = raw.bulkId;
    } else if (method === 'POST') {
      throw badRequest('invalidValue', `\`Operations[${i}]\` is a POST and needs a \`bulkId\``);
    }
    if (typeof raw.version === 'string') op.version = raw.version;
    if (raw.data !== undefined) op.data = raw.data;
    return op;
  });
  return { ops, failOnErrors: failOnErrors as number | undefined };
}

/** The bulkIds `op` refers to (in its path and anywhere in its data). */
function references(op: BulkOp): string[] {
  const text = `${op.path} ${op.data === undefined ? '' : JSON.stringify(op.data)}`;
  return [...text.matchAll(REF)].map((m) => m[1] as string);
}

function substitute<T>(value: T, ids: ReadonlyMap<string, string>): T {
  if (typeof value === 'string') return value.replace(REF, (whole, ref: string) => ids.get(ref) ?? whole) as T;
  if (Array.isArray(value)) return value.map((v) => substitute(v, ids)) as T;
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ids)])) as T;
  return value;
}

export async function bulk(sc: ScimContext, body: unknown, size: number): Promise<ScimResponse> {
  const { ops, failOnErrors } = readOps(body, size);
  const ids = new Map<string, string>();
  const results = new Map<BulkOp, JsonObject>();
  let errors = 0;
  let pending = [...ops];
  while (pending.length > 0 && (failOnErrors === undefined || errors < failOnErrors)) {
    const ready = pending.filter((op) => references(op).every((ref) => ids.has(ref)));
    const blocked = pending.filter((op) => !ready.includes(op));
    const batch = ready.length > 0 ? ready : blocked;
    for (const op of batch) {
      if (failOnErrors !== undefined && errors >= failOnErrors) break;
      const result = ready.length > 0 ? await run(sc, op, ids) : failed(op, new ScimError(409, `bulkId ${references(op).filter((r) => !ids.has(r)).map((r) => `\`${r}\``).join(', ')} cannot be resolved`, 'invalidValue'));
      if (Number(result.status) >= 400) errors++;
      results.set(op, result);
    }
    pending = pending.filter((op) => !results.has(op));
  }
  const Operations = ops.filter((op) => results.has(op)).map((op) => results.get(op) as JsonObject);
  return { status: 200, body: { schemas: [BULK_RESPONSE], Operations } };
}

function failed(op: BulkOp, error: ScimError): JsonObject {
  const out: JsonObject = { method: op.method, status: String(error.status), response: error.toBody() };
  if (op.bulkId !== undefined) out.bulkId = op.bulkId;
  return out;
}

async function run(sc: ScimContext, op: BulkOp, ids: Map<string, string>): Promise<JsonObject> {
  const path = substitute(op.path, ids);
  let response: ScimResponse;
  try {
    response = await dispatch(sc, { method: op.method, path, query: {}, body: substitute(op.data, ids), ifMatch: op.version });
  } catch (error) {
    if (isScimError(error)) return failed(op, error);
    return { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}), status: '500', response: errorBody(500, 'internal error: the operation was not applied') };
  }
  const out: JsonObject = { method: op.method };
  if (op.bulkId !== undefined) out.bulkId = op.bulkId;
  const body = isObject(response.body) ? response.body : undefined;
  const id = typeof body?.id === 'string' ? body.id : undefined;
  if (op.method === 'POST' && id !== undefined && op.bulkId !== undefined) ids.set(op.bulkId, id);
  const location = response.headers?.Location ?? (id !== undefined ? `${sc.base}${path.replace(/\/$/, '')}${op.method === 'POST' ? `/${encodeURIComponent(id)}` : ''}` : op.method !== 'POST' ? `${sc.base}${path}` : undefined);
  if (location !== undefined) out.location = location;
  if (response.headers?.ETag !== undefined) out.version = response.headers.ETag;
  out.status = String(response.status);
  return out;
}

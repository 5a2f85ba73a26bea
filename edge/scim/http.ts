// HTTP glue for /scim/v2: request bodies read as SCIM asks (application/scim+json or JSON,
// malformed → 400 invalidSyntax, over maxPayloadSize → 413), responses as
// application/scim+json, and every error — the app's 401/403 from authentication included —
// rendered as a SCIM error body (RFC 7644 §3.12).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ScimError, badRequest, errorBody, payloadTooLarge } from './errors.ts';
import { MAX_PAYLOAD_SIZE } from './limits.ts';

export const SCIM_PREFIX = '/scim/v2';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function isScimPath(path: string): boolean {
  return path === SCIM_PREFIX || path.startsWith(`${SCIM_PREFIX}/`);
}

export function scimJson(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  if (status === 204 || status === 304) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers } });
}

/** An error with an HTTP status and headers (the app's ApiError), recognised without importing it. */
interface StatusError extends Error {
  status: number;
  headers?: Record<string, string>;
}
function isStatusError(err: unknown): err is StatusError {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

/** Any error on a SCIM route as a SCIM error response. `log` sees only unexpected ones. */
export function scimErrorResponse(err: unknown, log?: (message: string) => void): Response {
  if (err instanceof ScimError) return scimJson(err.toBody(), err.status);
  if (err instanceof HTTPException) {
    const headers: Record<string, string> = {};
    err.getResponse().headers.forEach((value, name) => {
      if (name === 'www-authenticate') headers['WWW-Authenticate'] = value;
    });
    const scimType = err.status === 400 ? 'invalidSyntax' : undefined;
    return scimJson(errorBody(err.status, err.message || 'request failed', scimType), err.status, headers);
  }
  if (isStatusError(err) && err.status >= 400 && err.status < 500) {
    return scimJson(errorBody(err.status, err.message), err.status, err.headers?.['WWW-Authenticate'] ? { 'WWW-Authenticate': err.headers['WWW-Authenticate'] } : {});
  }
  log?.(err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown');
  return scimJson(errorBody(500, 'internal error: the request was not applied'), 500);
}

/** The parsed JSON body (undefined when empty) and its size in bytes. */
export async function readScimBody(c: Context): Promise<{ body: unknown; size: number }> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_PAYLOAD_SIZE) throw tooLarge(declared);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > MAX_PAYLOAD_SIZE) throw tooLarge(bytes.length);
  if (bytes.length === 0) return { body: undefined, size: 0 };
  const type = (c.req.header('content-type') ?? 'application/scim+json').toLowerCase();
  if (!type.includes('json')) throw new ScimError(415, `send \`application/scim+json\`, not \`${type}\``);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('invalidSyntax', 'the request body is not UTF-8');
  }
  try {
    return { body: JSON.parse(text) as unknown, size: bytes.length };
  } catch {
    throw badRequest('invalidSyntax', 'the request body is not valid JSON');
  }
}

function tooLarge(size: number): ScimError {
  return payloadTooLarge(`the request body is ${size} bytes, over maxPayloadSize (${MAX_PAYLOAD_SIZE})`);
}

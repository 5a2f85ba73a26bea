// HTTP for connectors: one request with a deadline, its outcome as a value. Statuses are
// sorted into "try again" (408, 425, 429, 5xx, network errors, timeouts — honouring
// `Retry-After`) and "asking again will not help" (other 4xx), which callers may refine (a 409
// on create, a 404 on delete).
import type { ConnectorFailure } from './types.ts';
import { failure } from './types.ts';

export interface HttpResponse {
  ok: true;
  status: number;
  headers: Headers;
  body: unknown;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Sends `request`; any HTTP status is an `HttpResponse`, only transport problems are failures. */
export async function send(fetchFn: typeof fetch, request: HttpRequest): Promise<HttpResponse | ConnectorFailure> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  let response: Response;
  try {
    response = await fetchFn(request.url, {
      method: request.method,
      headers: { accept: 'application/scim+json, application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal,
    });
  } catch (error) {
    const timedOut = signal.aborted;
    return failure(timedOut ? `${request.method} ${pathOf(request.url)} timed out after ${request.timeoutMs} ms` : `${request.method} ${pathOf(request.url)} failed: ${causeOf(error)}`, true);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return failure(`${request.method} ${pathOf(request.url)}: the response broke off: ${causeOf(error)}`, true);
  }
  let body: unknown = text;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } else body = undefined;
  return { ok: true, status: response.status, headers: response.headers, body };
}

/** The failure an unexpected status stands for, with the app's own message when it gave one. */
export function statusFailure(request: Pick<HttpRequest, 'method' | 'url'>, response: HttpResponse): ConnectorFailure {
  const retryable = RETRYABLE.has(response.status);
  const retryAfterSeconds = retryAfter(response.headers.get('retry-after'));
  const detail = detailOf(response.body);
  return failure(`${request.method} ${pathOf(request.url)} answered ${response.status}${detail ? `: ${detail}` : ''}`, retryable, {
    status: response.status,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  });
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

function detailOf(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return body.slice(0, 200);
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    const message = b.detail ?? b.message ?? b.error;
    if (typeof message === 'string') return message.slice(0, 200);
  }
  return undefined;
}

/** The path only: query strings may carry filters with user values, never secrets, but keep it short. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

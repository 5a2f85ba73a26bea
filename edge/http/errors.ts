// One error shape for the whole API: `{error: {code, message, details?}}`. Handlers throw
// `ApiError` (or return `fail(...)` outcomes turned into one); `onError` renders everything,
// so no route shapes its own errors and nothing unexpected leaks as a stack trace.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Diagnostic } from '../../engine/types.ts';
import type { Runtime } from '../runtime.ts';
import { isScimPath, scimErrorResponse } from '../scim/http.ts';
import { describeValue } from '../../engine/compile/issues.ts';
import { problems } from './issues.ts';
import type { Problem } from './issues.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (message: string): ApiError => new ApiError(404, 'not_found', message);

/**
 * Rules that do not compile: 422 with every diagnostic, the message naming the first error's
 * file, line, rule and field, as `roster check` prints it, for a client that shows only the message.
 */
export function invalidRules(errors: readonly Diagnostic[], diagnostics: readonly Diagnostic[], outcome?: string): ApiError {
  const [first] = errors;
  const where = first ? `${first.file ?? '(rules)'}${first.line ? `:${first.line}` : ''}: ${first.message}${first.ruleId && !first.message.includes(`\`${first.ruleId}\``) ? ` (rule \`${first.ruleId}\`)` : ''}` : '';
  const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
  const shown = first ? (errors.length === 1 ? `: ${where}` : `, the first: ${where}`) : '';
  return new ApiError(422, 'invalid_rules', `the rules have ${count}${shown}${outcome ? `; ${outcome}` : ''}`, { diagnostics });
}
export const conflict = (message: string, details?: unknown): ApiError => new ApiError(409, 'conflict', message, details);

/** Maps a repository outcome code to the API's error; unknown codes are the caller's mistake (400). */
const OUTCOME_STATUS: Record<string, [ContentfulStatusCode, string]> = {
  not_found: [404, 'not_found'],
  exists: [409, 'conflict'],
  duplicate_login: [409, 'conflict'],
  conflict: [409, 'conflict'],
  not_held: [409, 'conflict'],
  already_done: [409, 'conflict'],
  bad_cursor: [400, 'invalid_cursor'],
};

/** The value of an ok outcome, or the matching ApiError thrown. */
export function unwrap<T>(outcome: { ok: true; value: T } | { ok: false; code: string; message: string }): T {
  if (outcome.ok) return outcome.value;
  const [status, code] = OUTCOME_STATUS[outcome.code] ?? [400, outcome.code];
  throw new ApiError(status, code, outcome.message);
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  const shown = shortenValues(message);
  return { error: details === undefined ? { code, message: shown } : { code, message: shown, details } };
}

/** Values sit in backticks (`no user \`…\``); one too long to read is cut, so no refusal echoes a 200 KB id back. */
const shortenValues = (message: string): string => message.replace(/`([^`]{201,})`/g, (_, value: string) => describeValue(value));

/** zod issues as `{path, message}` with dotted paths a client can show beside its field; `input` is what was parsed. */
export function issueDetails(error: ZodError, input: unknown): Problem[] {
  return problems(error.issues, input);
}

const TARGET_CODES: Record<string, string> = { json: 'invalid_body', query: 'invalid_query', param: 'invalid_path', header: 'invalid_header' };

/** The zod-openapi hook: a failed validation becomes our 400, naming every bad path. */
export function validationHook(result: { success: true } | { success: false; error: ZodError; target?: string; data?: unknown }, c: Context): Response | undefined {
  if (result.success) return undefined;
  const code = TARGET_CODES[result.target ?? 'json'] ?? 'invalid_request';
  const details = issueDetails(result.error, result.data);
  const first = details[0];
  const message = first ? `\`${first.path}\`: ${first.message}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}` : 'invalid request';
  return c.json(errorBody(code, message, details), 400);
}

const HTTP_CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 413: 'payload_too_large', 415: 'unsupported_media_type' };

export function onError(runtime: Pick<Runtime, 'log'>): ErrorHandler {
  return (err, c) => {
    // SCIM clients get SCIM error bodies, 401/403 from authentication included (RFC 7644 §3.12).
    if (isScimPath(c.req.path)) return scimErrorResponse(err, () => runtime.log({ level: 'error', msg: 'unhandled error', method: c.req.method, path: c.req.path, error: loggable(err) }));
    if (err instanceof ApiError) {
      for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
      return c.json(errorBody(err.code, err.message, err.details), err.status);
    }
    if (err instanceof HTTPException) {
      if (err.status === 400 && /malformed json/i.test(err.message)) return c.json(errorBody('invalid_json', 'the request body is not valid JSON'), 400);
      const res = err.getResponse();
      const code = HTTP_CODES[err.status] ?? `http_${err.status}`;
      res.headers.forEach((value, name) => {
        if (name !== 'content-type' && name !== 'content-length') c.header(name, value);
      });
      return c.json(errorBody(code, err.message || 'request failed'), err.status as ContentfulStatusCode);
    }
    // Only what went wrong is logged, never request data: request bodies may hold secrets.
    runtime.log({ level: 'error', msg: 'unhandled error', method: c.req.method, path: c.req.path, error: loggable(err) });
    return c.json(errorBody('internal', 'internal error: the request was not applied'), 500);
  };
}

/**
 * An unexpected error as the log shows it: its name and message; for a failed query the
 * statement and the database's reason, never the values bound to it, which drizzle's message
 * lists (token and password hashes, sealed secrets, personal data).
 */
export function loggable(err: unknown): string {
  if (!(err instanceof Error)) return 'non-error thrown';
  if ('query' in err && 'params' in err && typeof err.query === 'string') {
    return `${err.name}: failed query \`${err.query}\`${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`;
  }
  return `${err.name}: ${err.message}`;
}

export const notFoundHandler: NotFoundHandler = (c) => c.json(errorBody('not_found', `no route for ${c.req.method} \`${c.req.path}\``), 404);

// Talking to the Roster API from the browser. The session cookie rides along (same origin);
// every failure becomes an ApiFailure whose message a person can read where it happened.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Told what was lost when the session ended, when the caller knows (`the file x was not imported`). */
type Listener = (lost?: string) => void;
const signedOutListeners = new Set<Listener>();

/** Called when the server says the session is gone (401), so the shell shows sign-in again. */
export function onSignedOut(listener: Listener): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/**
 * The server answered 401 to a request made other than through `api()` (an upload, the
 * simulator's worker): the shell shows sign-in, as it does for every call `api()` makes.
 */
export function signedOut(lost?: string): void {
  for (const listener of signedOutListeners) listener(lost);
}

function describeStatus(status: number, serverMessage: string | undefined): string {
  if (status === 401) return 'you are signed out: sign in again with your token';
  if (status === 403) return serverMessage ? `not allowed: ${serverMessage}` : 'your token is not allowed to do this';
  if (status === 404) return serverMessage ?? 'not found';
  if (status === 413) return 'that is too large for the server to accept';
  if (status >= 500) return `the server could not finish this request${serverMessage ? ` (${serverMessage})` : ''}; try again, and check the server log if it keeps failing`;
  return serverMessage ?? `the request failed (HTTP ${status})`;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw text body (CSV uploads) with its content type. */
  text?: { body: string; type: string };
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (options.text) {
    headers['content-type'] = options.text.type;
    body = options.text.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiFailure(0, 'network', 'cannot reach the Roster server; check that it is running and try again');
  }
  const type = response.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json') ? await response.json().catch(() => undefined) : await response.text();
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (response.status === 401 && path !== '/v1/session') signedOut();
    const details = Array.isArray(error?.details) ? (error.details as { path: string; message: string }[]) : undefined;
    throw new ApiFailure(response.status, error?.code ?? `http_${response.status}`, describeStatus(response.status, error?.message), details);
  }
  return payload as T;
}

/** A readable line for any error a screen caught. Never a stack trace. */
export function errorText(error: unknown): string {
  if (error instanceof ApiFailure) {
    // Only what the message does not say already (a one-problem refusal names it in both).
    const details = error.details
      ?.filter((d) => !error.message.includes(d.message))
      .map((d) => `${d.path}: ${d.message}`)
      .join('; ');
    return details ? `${error.message} (${details})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return 'something went wrong';
}

/** Reads every page of a cursor-paginated list (`{items, next}`), up to `max` items. */
export async function listAll<T>(path: string, max = 100_000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api<Page<T>>(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}&limit=500` : `${path}${sep}limit=500`);
    out.push(...pageItems(page));
    cursor = page.next ?? page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out;
}

export interface Page<T> {
  items?: T[];
  data?: T[];
  /** The cursor of the next page (the API's name); `nextCursor` is accepted too. */
  next?: string | null;
  nextCursor?: string | null;
}

export function pageItems<T>(page: Page<T> | T[]): T[] {
  if (Array.isArray(page)) return page;
  return page.items ?? page.data ?? [];
}

// The SCIM transport: authenticated requests against the app's base URL (bearer token or an
// OAuth 2.0 client-credentials token, fetched and cached until shortly before it expires) and
// the app's `/ServiceProviderConfig`, read once per client for its limits.
import type { HttpResponse } from '../http.ts';
import { send, statusFailure } from '../http.ts';
import type { ConnectorFailure } from '../types.ts';
import { failure } from '../types.ts';
import type { ScimConfig } from './config.ts';

export interface ServiceProvider {
  patch: boolean;
  filter: boolean;
  maxResults?: number;
}

export interface ScimClient {
  request(method: string, path: string, body?: unknown): Promise<HttpResponse | ConnectorFailure>;
  provider(): Promise<ServiceProvider | ConnectorFailure>;
  /** Requests sent, for import reports and benchmarks. */
  readonly sent: number;
}

export interface ClientDeps {
  fetch: typeof fetch;
  nowMs(): number;
  timeoutMs: number;
}

export function createScimClient(config: ScimConfig, deps: ClientDeps): ScimClient {
  const base = config.baseUrl.replace(/\/+$/, '');
  let token: { value: string; expiresAtMs: number } | undefined;
  let provider: ServiceProvider | undefined;
  let sent = 0;

  async function authorization(): Promise<string | ConnectorFailure> {
    const auth = config.auth;
    if (auth.type === 'bearer') return `Bearer ${auth.token}`;
    if (token && token.expiresAtMs > deps.nowMs()) return `Bearer ${token.value}`;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(auth.scope ? { scope: auth.scope } : {}) });
    let response: Response;
    sent++;
    try {
      response = await deps.fetch(auth.tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`)}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
    } catch (error) {
      return failure(`oauth2 token request failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
    const body = (await response.json().catch(() => undefined)) as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!response.ok || typeof body?.access_token !== 'string') {
      // Wrong credentials will not fix themselves; the token server being down will.
      return failure(`oauth2 token request answered ${response.status}`, response.status >= 500 || response.status === 429, { status: response.status });
    }
    const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 300;
    token = { value: body.access_token, expiresAtMs: deps.nowMs() + Math.max(0, lifetime - 30) * 1000 };
    return `Bearer ${token.value}`;
  }

  async function request(method: string, path: string, body?: unknown): Promise<HttpResponse | ConnectorFailure> {
    const auth = await authorization();
    if (typeof auth !== 'string') return auth;
    sent++;
    const url = `${base}${path}`;
    const response = await send(deps.fetch, { method, url, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) }, body, timeoutMs: deps.timeoutMs });
    // An expired or revoked OAuth token: fetch a new one next time.
    if (response.ok && response.status === 401 && config.auth.type === 'oauth2') token = undefined;
    return response;
  }

  return {
    request,
    get sent() {
      return sent;
    },
    async provider() {
      if (provider) return provider;
      const response = await request('GET', '/ServiceProviderConfig');
      if (!response.ok) return response;
      // An app without the endpoint gets RFC 7644's baseline: PATCH and filters are optional,
      // but nearly every app has them, and a refusal shows up as a clear 501 on first use.
      if (response.status === 404) return (provider = { patch: true, filter: true });
      if (response.status !== 200) return statusFailure({ method: 'GET', url: `${base}/ServiceProviderConfig` }, response);
      const spc = (response.body ?? {}) as { patch?: { supported?: unknown }; filter?: { supported?: unknown; maxResults?: unknown } };
      provider = {
        patch: spc.patch?.supported !== false,
        filter: spc.filter?.supported !== false,
        ...(typeof spc.filter?.maxResults === 'number' && spc.filter.maxResults > 0 ? { maxResults: spc.filter.maxResults } : {}),
      };
      return provider;
    },
  };
}

/** A SCIM filter string literal (RFC 7644 §3.4.2.2: JSON string syntax). */
export function literal(value: string): string {
  return JSON.stringify(value);
}

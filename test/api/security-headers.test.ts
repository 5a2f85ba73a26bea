// The security headers a browser reads, on each kind of response: the API's JSON (no sniffing,
// never stored, ETags still answered), /health, the API page and the admin UI's HTML (a strict
// Content-Security-Policy with nothing inline), and HSTS over https only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app.ts';
import { DOCS_ASSETS, serveUi } from '../../edge/entry/ui-static.ts';
import { memoryApi } from './memory-api.ts';

const world = memoryApi();

const dist = mkdtempSync(join(tmpdir(), 'roster-ui-dist-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Roster</title><script type="module" src="/ui/assets/index.js"></script>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

/** The CSP's directives by name. */
const csp = (headers: Headers) => new Map((headers.get('content-security-policy') ?? '').split(/;\s*/).filter(Boolean).map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));

function expectEveryResponseHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(csp(headers).get('frame-ancestors')).toBe("'none'");
}

function expectPagePolicy(headers: Headers, scriptSrc = "'self'"): void {
  const policy = csp(headers);
  expect(Object.fromEntries(policy)).toMatchObject({
    'default-src': "'self'",
    'script-src': scriptSrc,
    'worker-src': "'self'",
    'connect-src': "'self'",
    'img-src': "'self' data:",
    'object-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'self'",
    'frame-ancestors': "'none'",
  });
  expect(headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
}

describe('security headers', () => {
  it('API JSON: no sniffing, never stored, on success and on refusal; ETags still answer If-Match', async () => {
    const t = await world();
    const created = await t.call('POST', '/v1/users', { body: { id: 'e1', login: 'ann', email: 'ann@acme.example', profile: { firstName: 'Ann', lastName: 'Lee' } } });
    expect(created.status).toBe(201);
    const read = await t.call('GET', '/v1/users/e1');
    expectEveryResponseHeaders(read.headers);
    expect(read.headers.get('cache-control')).toBe('no-store');
    const etag = read.headers.get('etag') as string;
    expect(etag).toBe('"v1"');
    for (const refused of [await t.call('GET', '/v1/users', { token: null }), await t.call('GET', '/v1/nope')]) {
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expectEveryResponseHeaders(refused.headers);
      expect(refused.headers.get('cache-control')).toBe('no-store');
    }
    const stale = await t.call('PATCH', '/v1/users/e1', { body: { profile: { title: 'SRE' } }, headers: { 'if-match': '"v0"' } });
    expect(stale.status).toBe(412);
    const fresh = await t.call('PATCH', '/v1/users/e1', { body: { profile: { title: 'SRE' } }, headers: { 'if-match': etag } });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('cache-control')).toBe('no-store');
  });

  it('/health and /openapi.json: the headers every response carries', async () => {
    const t = await world();
    for (const path of ['/health', '/openapi.json']) {
      const res = await t.call('GET', path, { token: null });
      expect(res.status, path).toBe(200);
      expectEveryResponseHeaders(res.headers);
    }
  });

  it("the API page: the strict policy, no inline script, Swagger UI's files from this server or (Workers) its CDN only", async () => {
    const t = await world();
    const onNode = createApp(t.runtime, undefined, { docsAssets: DOCS_ASSETS });
    const page = await onNode.request('/docs');
    expect(page.status).toBe(200);
    expectEveryResponseHeaders(page.headers);
    expectPagePolicy(page.headers);
    expect(csp(page.headers).get('style-src')).toBe("'self'");
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((s) => /src="([^"]+)"/.exec(s[1] as string)?.[1])).toEqual(['/docs/assets/swagger-ui-dist/swagger-ui-bundle.js', '/docs/assets/init.js']);
    expect(scripts.every((s) => (s[2] as string).trim() === '')).toBe(true);
    const init = await onNode.request('/docs/assets/init.js');
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await init.text()).toContain("url: '/openapi.json'");

    // Without docsAssets (Workers) the page loads Swagger UI from jsDelivr: that origin, on this page only.
    const onWorkers = await t.app.request('/docs');
    expectPagePolicy(onWorkers.headers, "'self' https://cdn.jsdelivr.net");
    expect(csp(onWorkers.headers).get('style-src')).toBe("'self' https://cdn.jsdelivr.net");
    expect((await onWorkers.text()).match(/https:\/\/[^/"]+/g)?.every((url) => url === 'https://cdn.jsdelivr.net')).toBe(true);
    expect(csp((await t.app.request('/health')).headers).get('script-src')).toBe("'self'");
  });

  it("the admin UI's HTML: the strict policy, on the page and on its redirect", async () => {
    const t = await world();
    serveUi(t.app, dist);
    const html = await t.app.request('/ui/');
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<title>Roster</title>');
    expectEveryResponseHeaders(html.headers);
    expectPagePolicy(html.headers);
    expect(csp(html.headers).get('style-src')).toBe("'self'");
    const root = await t.app.request('/');
    expect(root.status).toBe(302);
    expectEveryResponseHeaders(root.headers);
  });

  it('HSTS over https only: never on plain http, as on http://127.0.0.1', async () => {
    const t = await world();
    for (const path of ['/health', '/docs']) {
      expect((await t.app.request(`http://127.0.0.1${path}`)).headers.get('strict-transport-security'), path).toBeNull();
      expect((await t.app.request(`https://roster.example${path}`)).headers.get('strict-transport-security'), path).toMatch(/^max-age=\d{7,}/);
    }
  });
});

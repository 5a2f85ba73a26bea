// The Workers entry end to end, through the Worker's own `fetch` in workerd (SELF) over the
// local D1 from wrangler.toml: it migrates on first use, serves the public routes, refuses a
// missing or wrong-scope token on every route group, and says why when it cannot start.
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { hashJson } from '../../engine/hash.ts';
import type { SourceFile } from '../../engine/types.ts';
import { TOKEN_SCOPES, createToken } from '../../edge/auth/tokens.ts';
import type { TokenScope } from '../../edge/auth/tokens.ts';
import { openD1 } from '../../edge/db/d1.ts';
import { saveApp } from '../../edge/db/repos/apps.ts';
import { createIdentity } from '../../edge/db/repos/identities.ts';
import { listManualTasks } from '../../edge/db/repos/manual-tasks.ts';
import { saveRuleSet } from '../../edge/db/repos/rule-sets.ts';
import worker from '../../edge/entry/workers.ts';
import { ROUTE_GROUPS } from '../api/cases/auth.ts';

const at = { at: '2025-01-01T09:00:00.000Z', actor: 'test' };

async function tokens(): Promise<Record<TokenScope, string>> {
  // The first request migrates D1; tokens are then written beside the Worker, as the CLI would.
  expect((await SELF.fetch('https://roster.test/health')).status).toBe(200);
  const db = openD1(env.DB);
  const out = {} as Record<TokenScope, string>;
  for (const scope of TOKEN_SCOPES) out[scope] = (await createToken(db, { scope, name: scope }, at)).token;
  return out;
}

describe('workers entry: fetch', () => {
  it('migrates D1 on first use and answers /health, /openapi.json and /docs without a token', async () => {
    const health = await SELF.fetch('https://roster.test/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
    expect(tables.results.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['__migrations', 'identities', 'outbox', 'audit_events', 'tokens']));
    const doc = await SELF.fetch('https://roster.test/openapi.json');
    expect(doc.status).toBe(200);
    expect(await doc.json()).toMatchObject({ openapi: '3.1.0', info: { title: 'Roster admin API' } });
    expect((await SELF.fetch('https://roster.test/docs')).status).toBe(200);
  });

  it('sends the security headers from workerd: HSTS over https, the API page loading Swagger UI from the Worker itself', async () => {
    const health = await SELF.fetch('https://roster.test/health');
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    expect(health.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(health.headers.get('content-security-policy')).toContain("script-src 'self';");
    const docs = await SELF.fetch('https://roster.test/docs');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(await docs.text()).toContain('"/docs/assets/swagger-ui-dist/swagger-ui-bundle.js"');
    for (const [file, type] of [['swagger-ui-bundle.js', /javascript/], ['swagger-ui.css', /css/]] as const) {
      const served = await SELF.fetch(`https://roster.test/docs/assets/swagger-ui-dist/${file}`);
      expect(served.status, file).toBe(200);
      expect(served.headers.get('content-type')).toMatch(type);
      expect((await served.text()).length).toBeGreaterThan(10_000);
    }
    expect((await SELF.fetch('https://roster.test/docs/assets/swagger-ui-dist/package.json')).status).toBe(404);
    const refused = await SELF.fetch('https://roster.test/v1/users');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
  });

  for (const group of ROUTE_GROUPS) {
    it(`${group.name}: 401 without a token or with a bad one, 403 for ${group.forbidden.join(', ')}`, async () => {
      const t = await tokens();
      const send = (token: string | null) =>
        SELF.fetch(`https://roster.test${group.path}`, {
          method: group.method,
          headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
          ...(group.body === undefined ? {} : { body: JSON.stringify(group.body) }),
        });
      const missing = await send(null);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await missing.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await send(`rst_admin_${'A'.repeat(43)}`)).status).toBe(401);
      for (const scope of group.forbidden) {
        const refused = await send(t[scope]);
        expect(refused.status, scope).toBe(403);
        expect(await refused.json()).toMatchObject({ error: { code: 'forbidden' } });
      }
      // The admin token gets past authentication (whatever the route then answers).
      expect([401, 403]).not.toContain((await send(t.admin)).status);
    });
  }

  it('never echoes the presented token, in the body or the headers', async () => {
    const secret = `rst_admin_${'B'.repeat(43)}`;
    const res = await SELF.fetch('https://roster.test/v1/users', { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(secret);
    expect([...res.headers.values()].join(' ')).not.toContain(secret);
  });

  it('answers 503 naming the missing secret when ROSTER_SEAL_KEY is not set', async () => {
    const res = await worker.fetch(new Request('https://roster.test/health'), { ...env, ROSTER_SEAL_KEY: undefined });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toContain('ROSTER_SEAL_KEY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('hands the actions a request queued to the dispatch queue, whose consumer delivers them', async () => {
    const t = await tokens();
    const db = openD1(env.DB);
    const files: SourceFile[] = [
      { path: 'rules/apps/parking.yaml', text: 'kind: app\nid: parking\nname: Parking\nconnector: manual\nowners: [facilities@acme.test]\n' },
      { path: 'rules/assignments/parking.yaml', text: 'kind: assignment\nid: sales-parking\nwhen:\n  all:\n    - { fact: department, operator: equal, value: Sales }\nassign:\n  - { app: parking }\n' },
    ];
    await saveRuleSet(db, { version: hashJson(files), files, source: 'upload' }, at, { activate: true });
    await saveApp(db, { id: 'parking', name: 'Parking', connector: 'manual', config: {} }, at);
    await createIdentity(db, { id: 's1', login: 's1', profile: { department: 'Sales' } }, at);

    const res = await SELF.fetch('https://roster.test/v1/runs', { method: 'POST', headers: { authorization: `Bearer ${t.admin}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    const { run } = (await res.json()) as { run: { id: string; status: string } };
    expect(run.status).toBe('planned');

    // No cron: the request itself put the action on the dispatch queue.
    await vi.waitUntil(async () => (await listManualTasks(db, { appId: 'parking' })).length === 1, { timeout: 10_000, interval: 50 });
    const outbox = await SELF.fetch(`https://roster.test/v1/runs/${run.id}`, { headers: { authorization: `Bearer ${t.read}` } });
    expect(((await outbox.json()) as { actions: { status: string }[] }).actions.map((a) => a.status)).toEqual(['done']);
  });

  it('stores ROSTER_BOOTSTRAP_TOKEN as the first admin token, hashed, once', async () => {
    await tokens();
    const bootstrap = `rst_admin_${'C'.repeat(43)}`;
    const boot = { ...env, ROSTER_BOOTSTRAP_TOKEN: bootstrap };
    const res = await worker.fetch(new Request('https://roster.test/v1/runs', { headers: { authorization: `Bearer ${bootstrap}` } }), boot);
    // An admin token exists, so the bootstrap token is not stored…
    expect(res.status).toBe(401);
    const stored = await env.DB.prepare('SELECT hash FROM tokens WHERE id = ?').bind('tok_bootstrap').all();
    expect(stored.results).toEqual([]);
    // …but in a deployment with no admin token it is, and only its hash.
    await env.DB.prepare("UPDATE tokens SET revoked_at = '2025-01-01T00:00:00.000Z' WHERE scope = 'admin'").run();
    const fresh = await worker.fetch(new Request('https://roster.test/v1/runs', { headers: { authorization: `Bearer ${bootstrap}` } }), { ...boot });
    expect(fresh.status).toBe(200);
    const row = (await env.DB.prepare('SELECT * FROM tokens WHERE id = ?').bind('tok_bootstrap').all()).results[0] as Record<string, unknown>;
    expect(row).toMatchObject({ scope: 'admin', revoked_at: null });
    expect(JSON.stringify(row)).not.toContain(bootstrap);
  });
});

describe('workers entry: the admin UI', () => {
  it('serves the built UI from the static assets under /ui/, with the app\'s security headers', async () => {
    const root = await SELF.fetch('https://roster.test/', { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await SELF.fetch('https://roster.test/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const script = /<script[^>]+src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const js = await SELF.fetch(`https://roster.test${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await js.text()).length).toBeGreaterThan(1000);
  });

  it('answers any other /ui/ path with the single-page app, and a missing asset with 404', async () => {
    const deep = await SELF.fetch('https://roster.test/ui/users/e1000');
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('/ui/assets/');
    const missing = await SELF.fetch('https://roster.test/ui/assets/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control') ?? '').not.toContain('immutable');
  });

  it('says what is missing when the Worker is deployed without the assets, and takes Swagger UI from its CDN', async () => {
    const bare = { ...env, ASSETS: undefined };
    const res = await worker.fetch(new Request('https://roster.test/ui/'), bare);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('[assets]');
    const docs = await worker.fetch(new Request('https://roster.test/docs'), bare);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' https://cdn.jsdelivr.net;");
    expect(await docs.text()).toContain('https://cdn.jsdelivr.net/npm/swagger-ui-dist/swagger-ui-bundle.js');
  });
});

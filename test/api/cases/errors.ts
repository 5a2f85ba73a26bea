// Bad input gets a clear JSON error naming the problem: never a 500, never a partial write.
import { expect, it } from 'vitest';
import type { MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';
import { BROKEN_RULES, engineer } from '../fixtures.ts';

export function errorCases(makeRuntime: MakeRuntime): void {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const t = await setup(makeRuntime);
    const res = await t.call('POST', '/v1/users', { raw: '{"login": "ann",' });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_json', message: 'the request body is not valid JSON' });
  });

  it('answers wrong types and unknown keys with 400 invalid_body naming every path', async () => {
    const t = await setup(makeRuntime);
    const res = await t.call('POST', '/v1/users', { body: { login: 42, email: 'not-an-email', profile: [], extra: true } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_body');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['login', 'email', 'profile']));
    expect(JSON.stringify(res.body.error.details)).toContain('extra');
    const noBody = await t.call('POST', '/v1/users', { raw: 'login=ann', headers: { 'content-type': 'text/plain' } });
    expect(noBody.status).toBe(415);
    expect(noBody.body.error.code).toBe('unsupported_media_type');
    expect((await t.call('GET', '/v1/users')).body.items).toEqual([]);
  });

  it('names what a union-typed field must be and where, not "Invalid input" at the union', async () => {
    const t = await setup(makeRuntime);
    const before = await countRows(t.runtime.db);
    const refusal = async (method: string, path: string, body: unknown, token = t.tokens.admin) => {
      const res = await t.call(method, path, { body, token });
      expect(res.status, `${path} ${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect(res.text).not.toMatch(/Invalid input"/);
      return res.body.error as { code: string; message: string; details?: { path: string; message: string }[] };
    };
    const scim = (auth: unknown) => ({ id: 'crm', name: 'CRM', connector: 'scim', config: { baseUrl: 'https://crm.example.com/scim/v2', auth } });
    // A discriminated union: an unknown or missing tag names every option; a known branch its own field.
    expect(await refusal('POST', '/v1/apps', scim({ type: 'ldapp', token: 't' }))).toEqual({ code: 'invalid_config', message: "a `scim` app's config: `auth.type`: must be one of `bearer`, `oauth2` (got `ldapp`)" });
    expect((await refusal('POST', '/v1/apps', scim({ token: 't' }))).message).toBe("a `scim` app's config: `auth.type`: missing: must be one of `bearer`, `oauth2`");
    expect((await refusal('POST', '/v1/apps', scim({ type: 'oauth2', tokenUrl: 'https://crm.example.com/token', clientId: 'c', clientSecret: 7 }))).message).toBe("a `scim` app's config: `auth.clientSecret`: expected string, got number `7`");
    expect((await refusal('POST', '/v1/apps', { id: 'crm', name: 'CRM', connector: 'ldapp' })).details).toEqual([{ path: 'connector', message: 'must be one of `scim`, `ldap`, `rest`, `manual` (got `ldapp`)' }]);
    // A plain union: a type no branch takes names every type; a value one branch nearly takes gets that branch's own problem.
    expect((await refusal('POST', '/v1/simulate', { users: [42] })).details).toEqual([{ path: 'users.0', message: 'expected string or object, got number `42`' }]);
    // A list of profiles (its first item says so) with a number in it: the number is named as not a profile.
    expect((await refusal('POST', '/v1/simulate', { users: [{ id: 'u1' }, 42] })).details).toEqual([{ path: 'users.1', message: 'expected object, got number `42`' }]);
    expect((await refusal('POST', '/v1/simulate', { users: [{ id: 5 }] })).details).toEqual([{ path: 'users.0.id', message: 'expected string, got number `5`' }]);
    expect((await refusal('POST', '/v1/simulate', { ruleSet: 5 })).details).toEqual([{ path: 'ruleSet', message: 'expected string or array, got number `5`' }]);
    expect((await refusal('POST', '/v1/simulate', { ruleSet: [{ path: 'a.yaml' }] })).details).toEqual([{ path: 'ruleSet.0.text', message: 'missing: expected string' }]);
    // Unions told apart by a literal (`ok: true | false`): a wrong tag names both, a right one the branch's field.
    const result = '/v1/agent/actions/a1/result?app=dir';
    expect((await refusal('POST', result, { ok: 'maybe' }, t.tokens.agent)).details).toEqual([{ path: 'ok', message: 'must be one of `true`, `false` (got `maybe`)' }]);
    expect((await refusal('POST', result, { ok: true, effect: 'done' }, t.tokens.agent)).details).toEqual([{ path: 'effect', message: 'must be one of `applied`, `already` (got `done`)' }]);
    expect((await refusal('POST', result, { ok: false, error: 5, retryable: true }, t.tokens.agent)).details).toEqual([{ path: 'error', message: 'expected string, got number `5`' }]);
    expect((await refusal('POST', result, { ok: true, effect: 'applied', account: { status: 'gone' } }, t.tokens.agent)).details).toEqual([{ path: 'account.status', message: 'must be one of `active`, `suspended`, `deactivated` (got `gone`)' }]);
    expect((await refusal('POST', '/v1/agent/imports?app=dir', { mode: 'full', ok: true, accounts: 'all' }, t.tokens.agent)).details).toEqual([{ path: 'accounts', message: 'expected array, got `all`' }]);
    // An enumerated query parameter names the value it got.
    const query = await t.call('GET', '/v1/users?status=ACTIV');
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ code: 'invalid_query', message: '`status`: must be one of `STAGED`, `PROVISIONED`, `ACTIVE`, `SUSPENDED`, `DEPROVISIONED` (got `ACTIV`)' });
    expect(await countRows(t.runtime.db)).toEqual(before);
  });

  it('says what a query value must be as it was sent, and never echoes a huge value back', async () => {
    const t = await setup(makeRuntime);
    // JSON's 1e400 parses as Infinity: a number of no use anywhere, said so rather than 'expected number, got number'.
    expect((await t.call('POST', '/v1/users', { body: { id: 'u1', login: 'ann' } })).status).toBe(201);
    const infinite = await t.call('PATCH', '/v1/users/u1', { raw: '{"version":1e400}' });
    expect(infinite.status).toBe(400);
    expect(infinite.body.error.message).toBe('`version`: expected a finite number, got number `Infinity`');
    const limit = await t.call('GET', '/v1/users?limit=abc');
    expect(limit.status).toBe(400);
    expect(limit.body.error).toMatchObject({ code: 'invalid_query', message: '`limit`: expected number, got `abc`' });
    const huge = 'x'.repeat(200_000);
    const id = await t.call('GET', `/v1/users/${huge}`);
    expect(id.status).toBe(400);
    expect(id.body.error).toMatchObject({ code: 'invalid_path', message: '`id`: Too big: expected string to have <=500 characters' });
    // Values no schema bounds reach the handler, whose refusal shows only their start and length.
    const version = await t.call('POST', '/v1/simulate', { body: { ruleSet: huge } });
    expect(version.status).toBe(404);
    expect(version.body.error.message).toBe(`no rule set version \`${'x'.repeat(80)}…\` (200000 characters)`);
    const status = await t.call('GET', `/v1/users?status=${huge}`);
    expect(status.status).toBe(400);
    expect(status.text.length).toBeLessThan(2000);
    expect(status.body.error.message).toMatch(/^`status`: must be one of `STAGED`, .* \(got `x{80}…` \(200000 characters\)\)$/);
  });

  it('refuses a value nested thousands deep, naming the field, instead of overflowing the stack (500)', async () => {
    const t = await setup(makeRuntime);
    const before = await countRows(t.runtime.db);
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const user = await t.call('POST', '/v1/users', { raw: `{"login":"ann","profile":{"x":${deep}}}` });
    expect(user.status).toBe(400);
    expect(user.body.error).toMatchObject({ code: 'invalid_body', message: '`profile.x`: nested more than 32 levels deep' });
    const app = await t.call('POST', '/v1/apps', { raw: `{"id":"crm","name":"CRM","connector":"rest","config":{"baseUrl":"https://crm.example.com","actions":{"account.create":{"method":"POST","path":"/u","body":${deep}}}}}` });
    expect(app.status).toBe(400);
    expect(app.body.error.message).toBe('`config.actions`: nested more than 32 levels deep');
    const nots = `${'{"not":'.repeat(5000)}{"fact":"a","operator":"equal","value":1}${'}'.repeat(5000)}`;
    const rules = await t.call('POST', '/v1/rule-sets', { body: { files: [{ path: 'deep.json', text: `{"kind":"group","id":"deep","when":${nots}}` }] } });
    expect(rules.status).toBe(422);
    expect(rules.body.error.details.diagnostics).toEqual([expect.objectContaining({ code: 'rule.invalid-value', file: 'deep.json', line: 1, ruleId: 'deep', message: '`when.not.not…` nests more than 64 levels deep' })]);
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('POST', '/v1/apps', { body: { id: 'dir', name: 'Directory', connector: 'ldap' } })).status).toBe(201);
    const withApp = await countRows(t.runtime.db);
    const pushed = await t.call('POST', '/v1/agent/imports?app=dir', { token: t.tokens.agent, raw: `{"mode":"full","ok":true,"accounts":[{"externalId":"e1","active":true,"attributes":{"x":${deep}}}]}` });
    expect(pushed.status).toBe(400);
    expect(pushed.body.error.message).toBe('`accounts.0.attributes.x`: nested more than 32 levels deep');
    const login = await t.call('POST', '/v1/agent/logins/l1?app=dir', { token: t.tokens.agent, raw: `{"ok":true,"entry":{"x":${deep}}}` });
    expect(login.status).toBe(400);
    expect(await countRows(t.runtime.db)).toEqual(withApp);
    expect(t.logs.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });

  it('refuses a body over the limit with 413 before storing anything', async () => {
    const t = await setup(makeRuntime);
    const big = { ...engineer(1), profile: { blob: 'x'.repeat(1024 * 1024 + 10) } };
    const res = await t.call('POST', '/v1/users', { body: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await t.call('GET', '/v1/users')).body.items).toEqual([]);
  });

  it('answers unknown ids and routes with 404', async () => {
    const t = await setup(makeRuntime);
    for (const path of ['/v1/users/nobody', '/v1/groups/none', '/v1/apps/none', '/v1/runs/none', '/v1/rule-sets/abc', '/v1/nothing-here']) {
      const res = await t.call('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect((await t.call('PATCH', '/v1/users/nobody', { body: { login: 'x' } })).status).toBe(404);
    expect((await t.call('POST', '/v1/users/nobody/lifecycle/suspend')).status).toBe(404);
    expect((await t.call('POST', '/v1/rule-sets/abc/activate')).status).toBe(404);
    expect((await t.call('POST', '/v1/runs/none/approve')).status).toBe(404);
    expect((await t.call('POST', '/v1/users/u1/lifecycle/explode')).body.error.code).toBe('invalid_path');
  });

  it('refuses rules with errors with 422 and every diagnostic, storing nothing', async () => {
    const t = await setup(makeRuntime);
    const before = await countRows(t.runtime.db);
    const res = await t.call('POST', '/v1/rule-sets', { body: { files: BROKEN_RULES, activate: true } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid_rules');
    const codes = res.body.error.details.diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['condition.unknown-operator', 'rule.unknown-app']));
    expect(res.body.error.details.diagnostics[0]).toMatchObject({ file: 'broken.yaml', severity: 'error' });
    // A client that shows only the message still learns the file, line, rule and field of the first error.
    const first = res.body.error.details.diagnostics[0];
    expect(res.body.error.message).toBe(`the rules have 2 errors, the first: broken.yaml:${first.line}: ${first.message}${first.message.includes('`bad`') ? '' : ' (rule `bad`)'}; nothing was stored`);
    expect(res.body.error.message).toMatch(/`(nope|missing)`/);
    const simulated = await t.call('POST', '/v1/simulate', { body: { users: [], ruleSet: BROKEN_RULES } });
    expect(simulated.status).toBe(422);
    expect(simulated.body.error.message).toMatch(/^the rules have 2 errors, the first: broken\.yaml:3: .*\(rule `bad`\)$/);
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/rule-sets')).body.items).toEqual([]);
  });

  it('never answered any of the above with a 500', async () => {
    const t = await setup(makeRuntime);
    const attempts = [
      await t.call('POST', '/v1/simulate', { raw: '[' }),
      await t.call('POST', '/v1/runs', { body: { asOf: 'yesterday' } }),
      await t.call('POST', '/v1/runs'),
      await t.call('GET', '/v1/reports/deprovisions?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z'),
      await t.call('GET', '/v1/audit?cursor=%%%'),
      await t.call('POST', '/v1/users/u1/password', { body: { password: 123 } }),
    ];
    for (const res of attempts) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error.code).toEqual(expect.any(String));
    }
    expect(t.logs.some((l) => l.includes('unhandled error'))).toBe(false);
  });
}

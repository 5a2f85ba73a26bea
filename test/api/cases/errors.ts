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

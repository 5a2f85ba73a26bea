// RFC 7644 §3.7 (bulk operations): bulkId references resolved across operations (§3.7.2),
// failOnErrors (§3.7.3), and the maxOperations / maxPayloadSize limits → 413 (§3.7.4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { BULK, ERROR, GROUP, PATCH_OP, USER, scim } from './harness.ts';

let s: Scim;
beforeEach(async () => {
  s = await scim();
});
afterEach(() => s.close());

const bulk = (Operations: unknown[], extra: Record<string, unknown> = {}) => s.call('POST', '/Bulk', { body: { schemas: [BULK], Operations, ...extra } });

describe('RFC 7644 §3.7 /Bulk', () => {
  it('§3.7.2: a group created with members referenced by bulkId, even before they are created', async () => {
    const res = await bulk([
      { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP], displayName: 'Tour Guides', members: [{ type: 'User', value: 'bulkId:u1' }, { type: 'User', value: 'bulkId:u2' }] } },
      { method: 'POST', path: '/Users', bulkId: 'u1', data: { schemas: [USER], userName: 'alice' } },
      { method: 'POST', path: '/Users', bulkId: 'u2', data: { schemas: [USER], userName: 'bob' } },
      { method: 'PATCH', path: '/Users/bulkId:u1', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Guide' }] } },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:BulkResponse']);
    const ops = res.body.Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(['201', '201', '201', '200']);
    expect(ops[1]).toMatchObject({ method: 'POST', bulkId: 'u1', location: expect.stringMatching(/\/Users\//), version: 'W/"1"' });
    const group = (await s.call('GET', ops[0].location.replace('http://roster.test/scim/v2', ''))).body;
    expect(group.members.map((m: { display: string }) => m.display).sort()).toEqual(['alice', 'bob']);
    expect((await s.call('GET', '/Users?filter=title eq "Guide"')).body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['alice']);
  });
  it('§3.7.2: a reference that never resolves fails that operation with 409', async () => {
    const res = await bulk([{ method: 'PATCH', path: '/Users/bulkId:nobody', data: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'title' }] } }]);
    expect(res.body.Operations[0]).toMatchObject({ status: '409', response: { schemas: [ERROR], status: '409' } });
  });
  it('§3.7.3: failOnErrors stops after that many errors; each error carries a SCIM error response', async () => {
    const res = await bulk(
      [
        { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER], userName: 'dup' } },
        { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER], userName: 'dup' } },
        { method: 'DELETE', path: '/Users/missing' },
        { method: 'POST', path: '/Users', bulkId: 'c', data: { schemas: [USER], userName: 'never' } },
      ],
      { failOnErrors: 2 },
    );
    expect(res.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '409', '404']);
    expect(res.body.Operations[1].response).toMatchObject({ scimType: 'uniqueness', status: '409' });
    expect((await s.call('GET', '/Users?filter=userName eq "never"')).body.totalResults).toBe(0);
  });
  it('§3.7.4: more than maxOperations (1000) is 413 naming the limit, nothing written', async () => {
    const ops = Array.from({ length: 1001 }, (_, i) => ({ method: 'DELETE', path: `/Users/u${i}` }));
    const res = await bulk(ops);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ schemas: [ERROR], status: '413', detail: 'the bulk request has 1001 operations, over maxOperations (1000)' });
  });
  it('§3.7.4: a body over maxPayloadSize (1 MiB) is 413, nothing written', async () => {
    const ops = Array.from({ length: 20 }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `b${i}`, data: { schemas: [USER], userName: `u${i}`, displayName: 'x'.repeat(60_000) } }));
    const res = await bulk(ops);
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain('maxPayloadSize (1048576)');
    expect(await s.rows('identities')).toBe(0);
  });
  it('§3.7: a POST without bulkId, or an unknown method, refuses the whole request with 400', async () => {
    expect((await bulk([{ method: 'POST', path: '/Users', data: { schemas: [USER], userName: 'x' } }])).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await bulk([{ method: 'GET', path: '/Users' }])).body).toMatchObject({ status: '400' });
    expect((await s.call('POST', '/Bulk', { body: { Operations: [] } })).body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(await s.rows('identities')).toBe(0);
  });
});

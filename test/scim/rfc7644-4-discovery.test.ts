// RFC 7644 §4 (service provider configuration endpoints) and RFC 7643 §5–§7: what
// /ServiceProviderConfig, /ResourceTypes and /Schemas say is what the server does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { BULK, ENTERPRISE, ERROR, GROUP, LIST, USER, scim } from './harness.ts';

let s: Scim;
beforeAll(async () => {
  s = await scim();
});
afterAll(() => s.close());

describe('RFC 7644 §4 /ServiceProviderConfig (RFC 7643 §5)', () => {
  it('says what is supported and the limits enforced', async () => {
    const res = await s.call('GET', '/ServiceProviderConfig');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });
  it('the limits it names are the ones enforced: count above maxResults is lowered to it', async () => {
    for (let i = 0; i < 3; i++) await s.createUser(`d${i}`);
    const res = await s.call('GET', '/Users?count=5000');
    expect(res.body.itemsPerPage).toBe(3);
    const bulk = await s.call('POST', '/Bulk', { body: { schemas: [BULK], Operations: Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: '/Users/x' })) } });
    expect(bulk.status).toBe(413);
  });
  it('discovery endpoints refuse a filter with 403 (RFC 7644 §4)', async () => {
    expect((await s.call('GET', '/Schemas?filter=id eq "x"')).body).toMatchObject({ schemas: [ERROR], status: '403' });
  });
});

describe('RFC 7644 §4 /ResourceTypes (RFC 7643 §6)', () => {
  it('lists User (with the enterprise extension) and Group', async () => {
    const res = await s.call('GET', '/ResourceTypes');
    expect(res.body).toMatchObject({ schemas: [LIST], totalResults: 2 });
    expect(res.body.Resources).toEqual([
      expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER, schemaExtensions: [{ schema: ENTERPRISE, required: false }] }),
      expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: GROUP, schemaExtensions: [] }),
    ]);
    expect((await s.call('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    expect((await s.call('GET', '/ResourceTypes/Device')).status).toBe(404);
  });
});

describe('RFC 7644 §4 /Schemas (RFC 7643 §7)', () => {
  it('describes every attribute with its characteristics', async () => {
    const res = await s.call('GET', '/Schemas');
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([USER, ENTERPRISE, GROUP]);
    const user = (await s.call('GET', `/Schemas/${USER}`)).body;
    const byName = (name: string) => user.attributes.find((a: { name: string }) => a.name === name);
    expect(byName('userName')).toMatchObject({ type: 'string', required: true, caseExact: false, uniqueness: 'server', mutability: 'readWrite', returned: 'default' });
    expect(byName('id')).toMatchObject({ mutability: 'readOnly', returned: 'always', caseExact: true });
    expect(byName('password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(byName('groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
    expect(byName('emails').subAttributes.map((a: { name: string }) => a.name)).toEqual(['value', 'display', 'type', 'primary']);
    const ent = (await s.call('GET', `/Schemas/${ENTERPRISE}`)).body;
    expect(ent.attributes.find((a: { name: string }) => a.name === 'manager').subAttributes).toEqual([
      expect.objectContaining({ name: 'value' }),
      expect.objectContaining({ name: '$ref', type: 'reference', referenceTypes: ['User'] }),
      expect.objectContaining({ name: 'displayName', mutability: 'readOnly' }),
    ]);
    const group = (await s.call('GET', `/Schemas/${GROUP}`)).body;
    expect(group.attributes.find((a: { name: string }) => a.name === 'members').subAttributes.find((a: { name: string }) => a.name === 'value')).toMatchObject({ mutability: 'immutable' });
  });
});

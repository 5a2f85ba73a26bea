// Fuzzing the parsers through HTTP (RFC 7644 §3.4.2.2 filters, §3.5.2 PATCH paths, §3.12
// errors): whatever a client sends as a filter or a path, the answer is 200 or a SCIM 400
// with scimType invalidFilter / invalidPath (or the RFC's other PATCH errors) — never a 500,
// and a refused PATCH writes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scim } from './harness.ts';
import { ERROR, PATCH_OP, scim } from './harness.ts';

let s: Scim;
let id: string;
beforeAll(async () => {
  s = await scim();
  id = (await s.createUser('fuzz', { emails: [{ value: 'f@x.org', type: 'work' }] })).id;
});
afterAll(() => s.close());

const pieces = ['userName', 'emails', 'name.givenName', 'urn:ietf:params:scim:schemas:core:2.0:User:', 'meta.created', 'active', 'groups', ' eq ', ' co ', ' gt ', ' pr', ' and ', ' or ', 'not ', '(', ')', '[', ']', '.', '"a"', '"', '\\', '1', 'true', 'null', ' ', 'value', 'type', '%', '$ref'];
const garbage = fc.oneof(fc.string({ maxLength: 40 }), fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }).map((a) => a.join('')));

describe('RFC 7644 §3.4.2.2 / §3.5.2: fuzzed filters and paths', () => {
  it('a filter is answered 200 or 400 invalidFilter', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, async (filter) => {
        const res = await s.call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
        if (res.status === 200) return;
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
      }),
      { numRuns: 150 },
    );
  });
  it('a PATCH path is answered 200 or a SCIM 400 (invalidPath, noTarget, mutability, invalidValue, invalidSyntax), nothing written on 400', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, fc.constantFrom('add', 'remove', 'replace'), async (path, op) => {
        const audit = await s.rows('audit_events');
        const res = await s.call('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op, path, value: 'x' }] } });
        if (res.status === 200) return;
        expect(res.status).toBe(400);
        expect(res.body.schemas).toEqual([ERROR]);
        expect(['invalidPath', 'noTarget', 'mutability', 'invalidValue', 'invalidSyntax']).toContain(res.body.scimType);
        expect(await s.rows('audit_events')).toBe(audit);
      }),
      { numRuns: 150 },
    );
  });
  it('plain garbage paths are invalidPath', async () => {
    for (const path of ['emails[type eq', '][', 'a.b.c', '"quoted"', 'emails[type eq "work"]..value']) {
      const res = await s.call('PATCH', `/Users/${id}`, { body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path, value: 'x' }] } });
      expect(res.body, path).toMatchObject({ status: '400', scimType: 'invalidPath' });
    }
  });
});

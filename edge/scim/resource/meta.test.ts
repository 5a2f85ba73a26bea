// ETag comparison (RFC 7232 §3.1–§3.2 as RFC 7644 §3.14 uses it) and attribute projection
// (RFC 7644 §3.4.2.5) on plain resources, without a database.
import { describe, expect, it } from 'vitest';
import { USER_TYPE } from '../schema/index.ts';
import { etagMatches, groupVersion, userVersion } from './meta.ts';
import { parseSelection, project } from './project.ts';

describe('RFC 7644 §3.14 versions', () => {
  it('weak comparison, lists and `*`', () => {
    expect(etagMatches('W/"3"', userVersion(3))).toBe(true);
    expect(etagMatches('"3"', userVersion(3))).toBe(true);
    expect(etagMatches('W/"2", W/"3"', userVersion(3))).toBe(true);
    expect(etagMatches('*', userVersion(9))).toBe(true);
    expect(etagMatches('W/"2"', userVersion(3))).toBe(false);
    expect(etagMatches(undefined, userVersion(3))).toBe(false);
  });
  it('a group version changes with its members, not with their order', () => {
    const a = groupVersion({ name: 'G', externalId: null, members: ['u1', 'u2'] });
    expect(groupVersion({ name: 'G', externalId: null, members: ['u2', 'u1'] })).toBe(a);
    expect(groupVersion({ name: 'G', externalId: null, members: ['u1'] })).not.toBe(a);
  });
});

describe('RFC 7644 §3.4.2.5 projection', () => {
  const user = { schemas: ['s'], id: '1', userName: 'b', password: 'never', name: { givenName: 'B', familyName: 'J' }, emails: [{ value: 'a@x', type: 'work' }] };
  it('returned: never is never shown; always is always shown', () => {
    expect(project(USER_TYPE, user, {})).not.toHaveProperty('password');
    expect(project(USER_TYPE, user, { attributes: parseSelection(USER_TYPE, 'userName') ?? { picks: new Map() } })).toEqual({ schemas: ['s'], id: '1', userName: 'b' });
  });
  it('sub-attributes of multi-valued attributes are picked per value; names are case-insensitive', () => {
    expect(project(USER_TYPE, user, { attributes: parseSelection(USER_TYPE, 'EMAILS.value,name.givenname') ?? { picks: new Map() } })).toEqual({ schemas: ['s'], id: '1', emails: [{ value: 'a@x' }], name: { givenName: 'B' } });
    expect(project(USER_TYPE, user, { excluded: parseSelection(USER_TYPE, ['emails.type', 'name']) ?? { picks: new Map() } })).toEqual({ schemas: ['s'], id: '1', userName: 'b', emails: [{ value: 'a@x' }] });
  });
});

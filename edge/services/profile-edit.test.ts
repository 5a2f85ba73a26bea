import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import { mergeChanges, storedSources } from '../import/merge.ts';
import { adminProfileEdit, attributeSources } from './profile-edit.ts';

// A user a delegated directory login created: every attribute the directory's (`ldap`).
const fromDirectory = { profile: { department: 'Ops', mail: 'ann@example.com' }, sources: { department: { ldap: 'Ops' }, mail: { ldap: 'ann@example.com' } } };

describe('admin profile edits are a source', () => {
  it("ranks the directory's values above an admin's and keeps them through another source's merge", () => {
    expect(storedSources(fromDirectory).effective.department).toEqual({ value: 'Ops', source: 'ldap' });
    const error = (() => {
      try {
        adminProfileEdit(fromDirectory, { department: 'Sales' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'attribute_mastered', details: { attributes: [{ attribute: 'department', source: 'ldap' }] } });
    const edited = adminProfileEdit(fromDirectory, { nickname: 'Ann' });
    expect(attributeSources(edited)).toEqual({ department: 'ldap', mail: 'ldap', nickname: 'admin' });
    // An HR file for the same person: HR's values win where it has them, the rest stay.
    const merged = mergeChanges({ changes: [{ op: 'upsert', id: 'u1', line: 2, attributes: { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com', department: 'Finance' } }], existing: new Map([['u1', { id: 'u1', login: 'ann', email: 'ann@example.com', status: 'ACTIVE', version: 1, passwordHash: null, passwordChangedAt: null, passwordHistory: [], createdAt: '', updatedAt: '', ...edited }]]), loginOwners: new Map(), mode: 'incremental', at: '2026-01-01T00:00:00.000Z' });
    expect(merged.errors).toEqual([]);
    expect(merged.writes[0]?.row.profile).toMatchObject({ department: 'Finance', mail: 'ann@example.com', nickname: 'Ann', firstName: 'Ann' });
  });

  it('records a new identity\'s profile as the admin\'s', () => {
    const made = adminProfileEdit(undefined, { department: 'Sales', level: 3 });
    expect(made).toEqual({ profile: { department: 'Sales', level: 3 }, sources: { department: { admin: 'Sales' }, level: { admin: 3 } } });
  });
});

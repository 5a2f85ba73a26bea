import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import { addMemberships, createGroup, deleteGroup, getGroup, listGroups, listMemberships, removeMembership, setMemberships, updateGroup } from '../../../edge/db/repos/groups.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

export function groupCases(makeDb: MakeDb): void {
  describe('groups and memberships', () => {
    it('creates, updates, pages and refuses a duplicate id', async () => {
      const db = await freshDb(makeDb);
      for (const id of ['eng', 'sales', 'ops']) expect((await createGroup(db, { id, name: id.toUpperCase(), description: null, source: 'rules' }, at())).ok).toBe(true);
      expect(await createGroup(db, { id: 'eng', name: 'again', description: null, source: 'manual' }, at())).toMatchObject({ ok: false, code: 'exists' });
      expect(await updateGroup(db, 'eng', { description: 'Engineers' }, at(1))).toMatchObject({ ok: true, value: { name: 'ENG', description: 'Engineers' } });
      expect(await updateGroup(db, 'nope', { name: 'x' }, at(1))).toMatchObject({ ok: false, code: 'not_found' });
      const first = await listGroups(db, { limit: 2 });
      if (!first.ok) throw new Error(first.message);
      expect(first.value.items.map((g) => g.id)).toEqual(['eng', 'ops']);
      const second = await listGroups(db, { limit: 2, cursor: first.value.nextCursor });
      expect(second).toMatchObject({ ok: true, value: { items: [{ id: 'sales' }] } });
      expect(second.ok && second.value.nextCursor).toBeUndefined();
    });

    it('adds memberships idempotently, removes one, and deleting a group removes its members', async () => {
      const db = await freshDb(makeDb);
      await createGroup(db, { id: 'eng', name: 'Eng', description: null, source: 'rules' }, at());
      await addMemberships(db, [{ userId: 'u1', groupId: 'eng', source: 'rules' }, { userId: 'u2', groupId: 'eng', source: 'rules' }], at());
      await addMemberships(db, [{ userId: 'u1', groupId: 'eng', source: 'rules' }], at(1));
      expect(await listMemberships(db, { groupId: 'eng' })).toHaveLength(2);
      expect(await removeMembership(db, 'u2', 'eng', at(2))).toMatchObject({ ok: true });
      expect(await removeMembership(db, 'u2', 'eng', at(2))).toMatchObject({ ok: false, code: 'not_found' });
      expect(await deleteGroup(db, 'eng', at(3))).toEqual({ ok: true, value: { id: 'eng' } });
      expect(await getGroup(db, 'eng')).toBeUndefined();
      expect(await listMemberships(db)).toEqual([]);
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });

    it("replaces one source's memberships and leaves the others'", async () => {
      const db = await freshDb(makeDb);
      await addMemberships(db, [{ userId: 'u1', groupId: 'vpn', source: 'ldap' }], at());
      await setMemberships(db, 'u1', 'rules', ['eng', 'all'], at(1));
      await setMemberships(db, 'u1', 'rules', ['all', 'oncall'], at(2));
      expect((await listMemberships(db, { userIds: ['u1'] })).map((m) => `${m.groupId}:${m.source}`)).toEqual(['all:rules', 'oncall:rules', 'vpn:ldap']);
      await setMemberships(db, 'u1', 'rules', [], at(3));
      expect((await listMemberships(db, { userIds: ['u1', 'u2'] })).map((m) => m.groupId)).toEqual(['vpn']);
    });
  });
}

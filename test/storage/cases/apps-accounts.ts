import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addMemberships } from '../../../edge/db/repos/groups.ts';
import { deleteAccount, getAccount, listAccounts, observedState, recordAccounts, setAccountStatus } from '../../../edge/db/repos/accounts.ts';
import { deleteApp, getApp, listApps, quarantineApp, releaseApp, saveApp } from '../../../edge/db/repos/apps.ts';
import type { MakeDb } from '../context.ts';
import { appGroupMembers, appGroups } from '../../../edge/db/schema.ts';
import { at, freshDb } from '../context.ts';

export function appAccountCases(makeDb: MakeDb): void {
  describe('apps', () => {
    it('saves, replaces, quarantines and releases, keeping secrets out of the audit log', async () => {
      const db = await freshDb(makeDb);
      await saveApp(db, { id: 'github', name: 'GitHub', connector: 'scim', config: { url: 'https://scim.test', auth: { bearerToken: 'ghp_secret' } } }, at());
      await saveApp(db, { id: 'github', name: 'GitHub EMU', connector: 'scim', config: { url: 'https://scim.test' } }, at(1));
      expect(await quarantineApp(db, 'github', at(60).at, 'five 503s', at(2))).toMatchObject({ ok: true, value: { status: 'quarantined', quarantinedUntil: at(60).at } });
      expect((await saveApp(db, { id: 'github', name: 'GitHub', connector: 'scim', config: {} }, at(3))).status).toBe('quarantined');
      expect(await releaseApp(db, 'github', at(4))).toMatchObject({ ok: true, value: { status: 'ok', quarantinedUntil: null } });
      expect(await quarantineApp(db, 'nope', at(60).at, 'x', at(4))).toMatchObject({ ok: false, code: 'not_found' });
      expect((await listApps(db)).map((a) => a.name)).toEqual(['GitHub']);
      const audit = await db.all<{ data: string }>(sql`SELECT data FROM audit_events`);
      expect(JSON.stringify(audit)).not.toContain('ghp_secret');
      expect(await deleteApp(db, 'github', at(5))).toMatchObject({ ok: true });
      expect(await getApp(db, 'github')).toBeUndefined();
    });
  });

  describe('app accounts', () => {
    it('records observed accounts, keeps the first deactivation time, and feeds the engine', async () => {
      const db = await freshDb(makeDb);
      await recordAccounts(db, [
        { userId: 'u1', appId: 'github', status: 'active', role: 'developer', attributes: { login: 'u1' } },
        { userId: 'u2', appId: 'github', status: 'active', attributes: {} },
        { userId: 'u1', appId: 'slack', status: 'active', externalId: 'S1' },
      ], at());
      await recordAccounts(db, [{ userId: 'u2', appId: 'github', status: 'deactivated' }], at(1));
      await recordAccounts(db, [{ userId: 'u2', appId: 'github', status: 'deactivated' }], at(2));
      expect(await getAccount(db, 'u2', 'github')).toMatchObject({ status: 'deactivated', deactivatedAt: at(1).at, observedAt: at(2).at });
      await addMemberships(db, [{ userId: 'u1', groupId: 'eng', source: 'rules' }], at());
      const observed = await observedState(db, ['u1']);
      expect(observed).toEqual({
        accounts: [
          { userId: 'u1', appId: 'github', status: 'active', role: 'developer', attributes: { login: 'u1' } },
          { userId: 'u1', appId: 'slack', status: 'active', attributes: {} },
        ],
        memberships: [{ userId: 'u1', groupId: 'eng' }],
      });
      expect((await observedState(db)).accounts).toHaveLength(3);
    });

    it("reads some users' observed state as the whole state has it, pushed groups included", async () => {
      const db = await freshDb(makeDb);
      // Over 100 users: two statements on D1 (one on libSQL).
      const users = Array.from({ length: 130 }, (_, i) => `u${String(i).padStart(3, '0')}`);
      await recordAccounts(db, users.flatMap((userId, i) => [{ userId, appId: 'github', status: 'active' as const, role: i % 2 ? 'admin' : null, attributes: { login: userId, tags: ['a', 'b'], quote: 'it\'s "x"' } }, ...(i % 3 ? [] : [{ userId, appId: 'slack', status: 'deactivated' as const }])]), at());
      await addMemberships(db, users.filter((_, i) => i % 2).map((userId) => ({ userId, groupId: 'eng', source: 'rules' })), at(1));
      await db.insert(appGroups).values({ appId: 'github', groupId: 'eng', name: 'Engineering', description: null, observedAt: at().at });
      await db.insert(appGroupMembers).values(users.slice(0, 5).map((userId) => ({ appId: 'github', groupId: 'eng', userId })));
      const all = await observedState(db);
      const some = users.filter((_, i) => i % 4 !== 1).reverse();
      const wanted = new Set(some);
      expect(await observedState(db, some)).toEqual({
        accounts: all.accounts.filter((a) => wanted.has(a.userId)),
        memberships: all.memberships.filter((m) => wanted.has(m.userId)),
        appGroups: all.appGroups?.map((g) => ({ ...g, members: g.members.filter((u) => wanted.has(u)) })),
      });
      expect(all.appGroups).toEqual([{ appId: 'github', groupId: 'eng', name: 'Engineering', members: users.slice(0, 5) }]);
      expect(await observedState(db, ['nobody'])).toEqual({ accounts: [], memberships: [], appGroups: [{ appId: 'github', groupId: 'eng', name: 'Engineering', members: [] }] });
    });

    it('sets status, deletes, and pages with filters', async () => {
      const db = await freshDb(makeDb);
      await recordAccounts(db, Array.from({ length: 30 }, (_, i) => ({ userId: `u${String(i).padStart(2, '0')}`, appId: i % 3 === 0 ? 'slack' : 'github', status: 'active' as const })), at());
      expect(await setAccountStatus(db, 'u01', 'github', 'suspended', at(1))).toMatchObject({ ok: true, value: { status: 'suspended', deactivatedAt: null } });
      expect(await setAccountStatus(db, 'u01', 'nope', 'suspended', at(1))).toMatchObject({ ok: false, code: 'not_found' });
      expect(await deleteAccount(db, 'u02', 'github', at(2))).toMatchObject({ ok: true });
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listAccounts(db, { appId: 'github', limit: 7, cursor });
        if (!page.ok) throw new Error(page.message);
        ids.push(...page.value.items.map((a) => a.userId));
        cursor = page.value.nextCursor;
      } while (cursor);
      expect(ids).toHaveLength(19);
      expect(ids).not.toContain('u02');
      const suspended = await listAccounts(db, { status: 'suspended' });
      expect(suspended.ok && suspended.value.items.map((a) => a.userId)).toEqual(['u01']);
    });
  });
}

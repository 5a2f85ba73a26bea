import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { identities, memberships, scimResources } from '../../../edge/db/schema.ts';
import { createIdentity, getIdentity, getIdentityByLogin, listIdentities, updateIdentity, deleteIdentity } from '../../../edge/db/repos/identities.ts';
import { upsertIdentities } from '../../../edge/db/repos/identities-bulk.ts';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import { runBatch } from '../../../edge/db/index.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

const person = (n: number, department = 'Engineering') => ({
  id: `u${String(n).padStart(4, '0')}`,
  login: `user${n}`,
  email: `user${n}@acme.test`,
  profile: { department, displayName: `User ${n}`, level: n % 3 },
});

export function identityCases(makeDb: MakeDb): void {
  describe('identities', () => {
    it('creates, reads by id and by login, and refuses a duplicate login', async () => {
      const db = await freshDb(makeDb);
      const created = await createIdentity(db, person(1), at());
      expect(created).toMatchObject({ ok: true, value: { id: 'u0001', version: 1, status: 'ACTIVE', profile: { department: 'Engineering' } } });
      expect((await getIdentity(db, 'u0001'))?.login).toBe('user1');
      expect((await getIdentityByLogin(db, 'user1'))?.id).toBe('u0001');
      expect(await getIdentity(db, 'nope')).toBeUndefined();
      const duplicate = await createIdentity(db, { ...person(1), id: 'other' }, at());
      expect(duplicate).toMatchObject({ ok: false, code: 'duplicate_login' });
      expect(await createIdentity(db, { ...person(2), id: 'u0001' }, at())).toMatchObject({ ok: false, code: 'exists' });
      // The refused writes left no audit row: the chain holds exactly the one create.
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 1 });
    });

    it('updates with the expected version and reports a stale version as a conflict', async () => {
      const db = await freshDb(makeDb);
      await createIdentity(db, person(1), at());
      const updated = await updateIdentity(db, 'u0001', 1, { profile: { ...person(1).profile, department: 'Sales' } }, at(1));
      expect(updated).toMatchObject({ ok: true, value: { version: 2, updatedAt: at(1).at, profile: { department: 'Sales' } } });
      const stale = await updateIdentity(db, 'u0001', 1, { status: 'SUSPENDED' }, at(2));
      expect(stale).toMatchObject({ ok: false, code: 'conflict' });
      expect((await getIdentity(db, 'u0001'))?.status).toBe('ACTIVE');
      expect(await updateIdentity(db, 'ghost', 1, { status: 'SUSPENDED' }, at(2))).toMatchObject({ ok: false, code: 'not_found' });
      await createIdentity(db, person(2), at());
      expect(await updateIdentity(db, 'u0002', 1, { login: 'user1' }, at(3))).toMatchObject({ ok: false, code: 'duplicate_login' });
    });

    it('never writes password hashes into the audit log', async () => {
      const db = await freshDb(makeDb);
      await createIdentity(db, person(1), at());
      await updateIdentity(db, 'u0001', 1, { passwordHash: 'scrypt$secret-hash', passwordHistory: ['scrypt$old'] }, at(1));
      const rows = await db.all<{ data: string }>(sql`SELECT data FROM audit_events`);
      expect(rows.map((r) => r.data).join('\n')).not.toMatch(/secret-hash|scrypt\$old/);
      expect(rows.at(-1)?.data).toContain('passwordHash');
    });

    it('deletes, and reports a missing identity', async () => {
      const db = await freshDb(makeDb);
      await createIdentity(db, person(1), at());
      expect(await deleteIdentity(db, 'u0001', at(1))).toEqual({ ok: true, value: { id: 'u0001' } });
      expect(await getIdentity(db, 'u0001')).toBeUndefined();
      expect(await deleteIdentity(db, 'u0001', at(1))).toMatchObject({ ok: false, code: 'not_found' });
    });

    it("takes an identity's memberships and SCIM resource with it, so a later identity with its id inherits neither", async () => {
      const db = await freshDb(makeDb);
      await createIdentity(db, person(1), at());
      await createIdentity(db, person(2), at());
      const { at: now } = at();
      await runBatch(db, [
        db.insert(memberships).values([{ userId: 'u0001', groupId: 'eng', source: 'rules' }, { userId: 'u0002', groupId: 'eng', source: 'rules' }]),
        db.insert(scimResources).values([
          { resourceType: 'User', id: 'u0001', source: 'okta', externalId: 'ext-1', createdAt: now, updatedAt: now },
          { resourceType: 'Group', id: 'u0001', source: 'okta', externalId: 'grp', createdAt: now, updatedAt: now },
        ]),
      ]);
      await deleteIdentity(db, 'u0001', at(1));
      await createIdentity(db, { ...person(3), id: 'u0001' }, at(2));
      expect(await db.select().from(memberships)).toEqual([{ userId: 'u0002', groupId: 'eng', source: 'rules' }]);
      // A group may share the id: only the User resource goes.
      expect((await db.select().from(scimResources)).map((r) => `${r.resourceType}:${r.id}`)).toEqual(['Group:u0001']);
    });

    it('lists with filters and walks every row once through cursor pages', async () => {
      const db = await freshDb(makeDb);
      await upsertIdentities(db, Array.from({ length: 23 }, (_, i) => person(i + 1, i % 2 === 0 ? 'Engineering' : 'Sales')), at());
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listIdentities(db, { limit: 5, cursor, attributes: { department: 'Engineering' } });
        if (!page.ok) throw new Error(page.message);
        seen.push(...page.value.items.map((i) => i.id));
        cursor = page.value.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(12);
      expect(new Set(seen).size).toBe(12);
      expect(seen).toEqual([...seen].sort());
      const q = await listIdentities(db, { q: 'User 1' });
      expect(q.ok && q.value.items.map((i) => i.login)).toEqual(['user1', 'user10', 'user11', 'user12', 'user13', 'user14', 'user15', 'user16', 'user17', 'user18', 'user19']);
      const wildcard = await listIdentities(db, { q: '%' });
      expect(wildcard.ok && wildcard.value.items).toEqual([]);
      await updateIdentity(db, 'u0003', 1, { status: 'SUSPENDED' }, at(1));
      const suspended = await listIdentities(db, { status: 'SUSPENDED' });
      expect(suspended.ok && suspended.value.items.map((i) => i.id)).toEqual(['u0003']);
      expect(await listIdentities(db, { cursor: 'not a cursor!' })).toMatchObject({ ok: false, code: 'bad_cursor' });
    });

    it('bulk upserts: creates, updates changed rows only, keeps passwords', async () => {
      const db = await freshDb(makeDb);
      const people = Array.from({ length: 150 }, (_, i) => person(i + 1));
      const first = await upsertIdentities(db, people, at());
      expect(first.written).toHaveLength(150);
      await updateIdentity(db, 'u0001', 1, { passwordHash: 'h1' }, at(1));
      const changed = people.map((p, i) => (i < 10 ? { ...p, profile: { ...p.profile, department: 'Sales' } } : p));
      const second = await upsertIdentities(db, changed, at(2));
      expect(second.written).toEqual(people.slice(0, 10).map((p) => p.id));
      const one = await getIdentity(db, 'u0001');
      expect(one).toMatchObject({ version: 3, passwordHash: 'h1', profile: { department: 'Sales' }, createdAt: at().at });
      expect((await getIdentity(db, 'u0050'))?.version).toBe(1);
    });

    it('bulk upsert is all or nothing: one bad row writes no row', async () => {
      const db = await freshDb(makeDb);
      await createIdentity(db, person(999), at());
      const people = Array.from({ length: 40 }, (_, i) => person(i + 1));
      people[30] = { ...person(31), login: 'user999' };
      await expect(upsertIdentities(db, people, at(1))).rejects.toThrow();
      const [count] = await db.select({ n: sql<number>`count(*)` }).from(identities);
      expect(count?.n).toBe(1);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 1 });
    });

    it('a batch with a failing statement leaves nothing written', async () => {
      const db = await freshDb(makeDb);
      const row = { ...person(1), status: 'ACTIVE', sources: {}, passwordHistory: [], version: 1, createdAt: at().at, updatedAt: at().at };
      await expect(runBatch(db, [db.insert(identities).values(row), db.insert(identities).values({ ...row, id: 'u0002' })])).rejects.toThrow();
      expect(await getIdentity(db, 'u0001')).toBeUndefined();
    });
  });
}

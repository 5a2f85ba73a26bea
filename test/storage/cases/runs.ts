import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../engine/types.ts';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import { claimActions, completeAction, dueActions, failAction, getAction, outboxCounts } from '../../../edge/db/repos/outbox.ts';
import { createIdentity, getIdentity, updateIdentity } from '../../../edge/db/repos/identities.ts';
import { runStatusChangesOf, usersWaitingInHeldRuns } from '../../../edge/db/repos/run-status-changes.ts';
import { createRun, decideRun, getRun, listRuns, markRunApplied } from '../../../edge/db/repos/runs.ts';
import { identities as identitiesTable, ruleSetVersions, runStatusChanges } from '../../../edge/db/schema.ts';
import type { Db } from '../../../edge/db/index.ts';
import type { MakeDb } from '../context.ts';
import { at, freshDb } from '../context.ts';

const reason = { summary: 'test', rules: ['r1'], version: 'v1', matched: [] };
const action = (n: number, extra: Partial<Action> = {}): Action => ({ id: `a${String(n).padStart(3, '0')}`, type: 'account.create', userId: `u${n}`, appId: 'github', attributes: { login: `u${n}` }, reason, ...extra });
const run = (id: string, status: 'planned' | 'held' = 'planned') => ({ id, kind: 'reconcile' as const, status, ruleSetVersion: 'v1', asOf: at().at, summary: { creates: 1 } });

/** A migrated database whose active rule set is `v1`, the version the runs here are planned under. */
async function withRules(makeDb: MakeDb, ...versions: string[]): Promise<Db> {
  const db = await freshDb(makeDb);
  await db.insert(ruleSetVersions).values(['v1', ...versions].map((version) => ({ version, files: [], source: 'test', createdAt: at().at, active: version === 'v1' })));
  return db;
}

const activate = (db: Db, version: string) => db.update(ruleSetVersions).set({ active: sql`version = ${version}` });

export function runCases(makeDb: MakeDb): void {
  describe('runs and outbox', () => {
    it('writes a run and all its actions together; a clashing run id writes neither', async () => {
      const db = await freshDb(makeDb);
      const actions = Array.from({ length: 25 }, (_, i) => action(i));
      expect(await createRun(db, run('r1'), actions, at())).toMatchObject({ ok: true, value: { queued: 25, run: { status: 'planned' } } });
      expect((await getAction(db, 'a003'))?.payload).toEqual(action(3));
      const clash = await createRun(db, run('r1'), [action(100)], at(1));
      expect(clash).toMatchObject({ ok: false, code: 'exists' });
      expect(await getAction(db, 'a100')).toBeUndefined();
      expect(await outboxCounts(db)).toEqual({ pending: 25 });
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 1 });
    });

    it('queues an action id once, and again only after it died or was cancelled', async () => {
      const db = await freshDb(makeDb);
      await createRun(db, run('r1'), [action(1), action(2)], at());
      await failAction(db, 'a002', { error: 'HTTP 400' }, at(1));
      const second = await createRun(db, run('r2'), [action(1), action(2)], at(2));
      expect(second).toMatchObject({ ok: true, value: { queued: 1 } });
      expect(await getAction(db, 'a001')).toMatchObject({ runId: 'r1', status: 'pending' });
      expect(await getAction(db, 'a002')).toMatchObject({ runId: 'r2', status: 'pending', attempts: 0, lastError: null });
      // Each run's summary says what it queued, as stored: the first two, the second the one it took over.
      expect((await getRun(db, 'r1'))?.summary.queued).toBe(2);
      expect((await getRun(db, 'r2'))?.summary.queued).toBe(1);
      expect(second.ok && second.value.run.summary.queued).toBe(1);
      expect((await createRun(db, run('r3'), [action(1), action(2)], at(3))).ok && (await getRun(db, 'r3'))?.summary.queued).toBe(0);
    });

    it('queues a done action again only once a later action on the same account was done', async () => {
      const db = await freshDb(makeDb);
      const suspend = action(1, { id: 'suspend', type: 'account.suspend', attributes: undefined });
      const reactivate = action(1, { id: 'reactivate', type: 'account.reactivate', attributes: undefined });
      const elsewhere = action(1, { id: 'elsewhere', type: 'account.suspend', appId: 'wiki', attributes: undefined });
      await createRun(db, run('r1'), [suspend, elsewhere], at());
      await claimActions(db, ['suspend', 'elsewhere'], at(1).at);
      await completeAction(db, 'suspend', at(2));
      expect(await createRun(db, run('r2'), [suspend], at(3))).toMatchObject({ ok: true, value: { queued: 0 } });
      await createRun(db, run('r3'), [reactivate], at(4));
      await completeAction(db, 'elsewhere', at(5));
      // Done later, but on another app's account: the suspension still stands.
      expect(await createRun(db, run('r4'), [suspend], at(6))).toMatchObject({ ok: true, value: { queued: 0 } });
      await completeAction(db, 'reactivate', at(7));
      expect(await createRun(db, run('r5'), [suspend], at(8))).toMatchObject({ ok: true, value: { queued: 1 } });
      expect(await getAction(db, 'suspend')).toMatchObject({ runId: 'r5', status: 'pending', attempts: 0 });
    });

    it("applies Roster's own group memberships with the run, a held run's when it is approved", async () => {
      const db = await withRules(makeDb);
      const member = (id: string, type: 'membership.add' | 'membership.remove', userId: string, groupId: string): Action => ({ id, type, userId, groupId, reason });
      const rows = async () => (await db.all<{ user_id: string; group_id: string; source: string }>(sql`SELECT user_id, group_id, source FROM memberships ORDER BY user_id, group_id`)).map((r) => `${r.user_id}:${r.group_id}:${r.source}`);
      await createRun(db, run('r1'), [member('m1', 'membership.add', 'u1', 'staff'), member('m2', 'membership.add', 'u2', 'staff'), action(1)], at());
      expect(await rows()).toEqual(['u1:staff:rules', 'u2:staff:rules']);
      expect(await getAction(db, 'm1')).toMatchObject({ status: 'done' });
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'pending' });
      await createRun(db, run('r2', 'held'), [member('m3', 'membership.remove', 'u1', 'staff'), member('m4', 'membership.add', 'u3', 'staff')], at(1));
      expect(await rows()).toEqual(['u1:staff:rules', 'u2:staff:rules']);
      expect(await getAction(db, 'm3')).toMatchObject({ status: 'held' });
      expect((await decideRun(db, 'r2', 'approve', at(2))).ok).toBe(true);
      expect(await rows()).toEqual(['u2:staff:rules', 'u3:staff:rules']);
      expect([await getAction(db, 'm3'), await getAction(db, 'm4')]).toMatchObject([{ status: 'done' }, { status: 'done' }]);
      await createRun(db, run('r3', 'held'), [member('m5', 'membership.remove', 'u2', 'staff')], at(3));
      expect((await decideRun(db, 'r3', 'reject', at(4))).ok).toBe(true);
      expect(await rows()).toEqual(['u2:staff:rules', 'u3:staff:rules']);
      expect(await getAction(db, 'm5')).toMatchObject({ status: 'cancelled' });
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });

    it("cancels a pushed group's waiting create or update when a later run plans it again, a held run's once approved", async () => {
      const db = await withRules(makeDb);
      const group = (id: string, type: 'group.create' | 'group.update', name: string): Action => ({ id, type, groupId: 'eng', appId: 'github', ...(type === 'group.create' ? { attributes: { name } } : { changes: { name: { from: 'Engineering', to: name } } }), reason });
      const other = { ...group('other', 'group.create', 'Sales'), groupId: 'sales' };
      await createRun(db, run('r1'), [group('g1', 'group.create', 'Engineering'), other], at());
      await createRun(db, run('h2', 'held'), [group('g2', 'group.create', 'Engineering team')], at(1));
      expect(await getAction(db, 'g1')).toMatchObject({ status: 'pending' });
      expect((await decideRun(db, 'h2', 'approve', at(2))).ok).toBe(true);
      expect(await getAction(db, 'g1')).toMatchObject({ status: 'cancelled', lastError: 'superseded by run h2, which plans this group again' });
      expect(await getAction(db, 'g2')).toMatchObject({ status: 'pending' });
      await createRun(db, run('r3'), [group('g3', 'group.update', 'Eng')], at(3));
      expect(await getAction(db, 'g2')).toMatchObject({ status: 'cancelled', lastError: 'superseded by run r3, which plans this group again' });
      // Another group, and the same action planned again, are left alone.
      await createRun(db, run('r4'), [group('g3', 'group.update', 'Eng')], at(4));
      expect([await getAction(db, 'other'), await getAction(db, 'g3')]).toMatchObject([{ status: 'pending' }, { status: 'pending', runId: 'r3' }]);
    });

    it('holds a run until approved, and cancels its actions when rejected', async () => {
      const db = await withRules(makeDb);
      await createRun(db, { ...run('held1', 'held'), heldReasons: ['deletes 40% of github'] }, [action(1), action(2)], at());
      await createRun(db, run('held2', 'held'), [action(3)], at());
      expect(await dueActions(db, at(10).at)).toEqual([]);
      expect(await decideRun(db, 'held1', 'approve', at(5, 'alice'))).toMatchObject({ ok: true, value: { status: 'approved', decidedBy: 'alice', decidedAt: at(5).at } });
      expect((await dueActions(db, at(10).at)).map((a) => a.id)).toEqual(['a001', 'a002']);
      expect(await decideRun(db, 'held1', 'reject', at(6))).toMatchObject({ ok: false, code: 'not_held' });
      expect(await decideRun(db, 'held2', 'reject', at(6, 'bob'))).toMatchObject({ ok: true, value: { status: 'rejected' } });
      expect(await getAction(db, 'a003')).toMatchObject({ status: 'cancelled' });
      expect(await decideRun(db, 'nope', 'approve', at(6))).toMatchObject({ ok: false, code: 'not_found' });
      expect(await markRunApplied(db, 'held1', at(7))).toMatchObject({ ok: true, value: { status: 'applied' } });
    });

    it('applies the identity status changes a held run carries when it is approved, and drops them when rejected', async () => {
      const db = await withRules(makeDb);
      for (const id of ['u1', 'u2', 'u3', 'u4']) await createIdentity(db, { id, login: id, status: 'ACTIVE', profile: {} }, at());
      await createRun(db, run('held1', 'held'), [action(1)], at());
      await createRun(db, run('held2', 'held'), [action(4)], at());
      const change = (runId: string, userId: string) => ({ runId, userId, fromStatus: 'ACTIVE', toStatus: 'DEPROVISIONED' });
      await db.insert(runStatusChanges).values([change('held1', 'u1'), change('held1', 'u2'), change('held1', 'u3'), change('held2', 'u4')]);
      expect([...(await usersWaitingInHeldRuns(db, ['u1', 'u4', 'u9']))].sort()).toEqual(['u1', 'u4']);
      // u3 changed meanwhile (suspended by an admin): the approval leaves it alone.
      await db.update(identitiesTable).set({ status: 'SUSPENDED' }).where(sql`id = 'u3'`);
      expect(await decideRun(db, 'held1', 'approve', at(5, 'alice'))).toMatchObject({ ok: true, value: { status: 'approved' } });
      expect((await Promise.all(['u1', 'u2', 'u3', 'u4'].map((id) => getIdentity(db, id)))).map((i) => [i?.status, i?.version])).toEqual([
        ['DEPROVISIONED', 2],
        ['DEPROVISIONED', 2],
        ['SUSPENDED', 1],
        ['ACTIVE', 1],
      ]);
      expect(await runStatusChangesOf(db, 'held1')).toEqual([]);
      expect(await decideRun(db, 'held2', 'reject', at(6, 'bob'))).toMatchObject({ ok: true, value: { status: 'rejected' } });
      expect((await getIdentity(db, 'u4'))?.status).toBe('ACTIVE');
      expect(await usersWaitingInHeldRuns(db, ['u4'])).toEqual(new Set());
      // 4 identities, 2 runs, the approval with one lifecycle event per user it changed (u1, u2), the rejection.
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 4 + 2 + 3 + 1 });
    });

    it('refuses to approve a held run that no longer stands, saying why, and always allows its rejection', async () => {
      const db = await withRules(makeDb, 'v2');
      for (const id of ['u1', 'u2', 'u3', 'u4']) await createIdentity(db, { id, login: id, status: 'ACTIVE', profile: {} }, at());
      await createRun(db, run('h1', 'held'), [action(1), action(2)], at(1));
      const approve = (id: string, minutes: number) => decideRun(db, id, 'approve', at(minutes, 'alice'));

      // The active rules changed since it was planned: refused, and nothing moves.
      await activate(db, 'v2');
      expect(await approve('h1', 2)).toEqual({ ok: false, code: 'stale', message: 'run `h1` cannot be approved: it was planned under rule set `v1` and `v2` is active now: reject it and plan again' });
      expect(await getRun(db, 'h1')).toMatchObject({ status: 'held', decidedAt: null });
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'held' });
      await db.update(ruleSetVersions).set({ active: false });
      expect(await approve('h1', 2)).toMatchObject({ ok: false, message: expect.stringContaining('it was planned under rule set `v1` and no rule set is active now') });
      await activate(db, 'v1');

      // One of its users changed since.
      expect((await updateIdentity(db, 'u2', 1, { profile: { department: 'Sales' } }, at(3))).ok).toBe(true);
      expect(await approve('h1', 4)).toEqual({ ok: false, code: 'stale', message: 'run `h1` cannot be approved: users changed since: `u2`: reject it and plan again' });
      expect(await decideRun(db, 'h1', 'reject', at(5, 'bob'))).toMatchObject({ ok: true, value: { status: 'rejected', decidedBy: 'bob' } });
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'cancelled' });

      // One of its users planned again by a later run; a later run that was rejected does not count.
      await createRun(db, run('h3', 'held'), [action(3)], at(6));
      await createRun(db, run('h4', 'held'), [action(4)], at(6));
      await createRun(db, run('later3'), [action(3, { id: 'a003-again', type: 'account.update' })], at(7));
      await createRun(db, run('later4', 'held'), [action(4, { id: 'a004-again', type: 'account.update' })], at(7));
      expect((await decideRun(db, 'later4', 'reject', at(8))).ok).toBe(true);
      expect(await approve('h3', 9)).toEqual({ ok: false, code: 'stale', message: 'run `h3` cannot be approved: users planned again by later run `later3`: `u3`: reject it and plan again' });
      expect(await approve('h4', 9)).toMatchObject({ ok: true, value: { status: 'approved' } });
      expect(await getAction(db, 'a004')).toMatchObject({ status: 'pending' });
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });

    it('refuses an approval whose run stops standing between its check and its batch, writing nothing', async () => {
      const db = await withRules(makeDb);
      await createIdentity(db, { id: 'u1', login: 'u1', status: 'ACTIVE', profile: {} }, at());
      await createRun(db, run('h1', 'held'), [action(1)], at(1));
      await db.insert(runStatusChanges).values({ runId: 'h1', userId: 'u1', fromStatus: 'ACTIVE', toStatus: 'DEPROVISIONED' });
      // Another writer changes u1 after the approval checked the run, before its batch commits.
      const racing: Db = Object.create(db);
      racing.batch = async (statements) => {
        await db.update(identitiesTable).set({ updatedAt: at(2).at }).where(sql`id = 'u1'`);
        return db.batch(statements);
      };
      expect(await decideRun(racing, 'h1', 'approve', at(3))).toEqual({ ok: false, code: 'stale', message: 'run `h1` cannot be approved: users changed since: `u1`: reject it and plan again' });
      expect(await getRun(db, 'h1')).toMatchObject({ status: 'held' });
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'held' });
      expect(await getIdentity(db, 'u1')).toMatchObject({ status: 'ACTIVE', version: 1 });
      expect(await runStatusChangesOf(db, 'h1')).toHaveLength(1);
      expect(await verifyAudit(db)).toMatchObject({ ok: true, rows: 2 });
    });

    it('delivers due actions: scheduled ones wait, a claim is won once, failures retry then die', async () => {
      const db = await freshDb(makeDb);
      await createRun(db, run('r1'), [action(1), action(2, { notBefore: at(30).at })], at());
      expect((await dueActions(db, at(1).at)).map((a) => a.id)).toEqual(['a001']);
      expect((await dueActions(db, at(30).at)).map((a) => a.id)).toEqual(['a001', 'a002']);
      const [first, second] = await Promise.all([claimActions(db, ['a001'], at(1).at), claimActions(db, ['a001'], at(1).at)]);
      expect([first.length, second.length].sort()).toEqual([0, 1]);
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'delivering', attempts: 1 });
      await failAction(db, 'a001', { error: 'HTTP 503', retryAt: at(5).at }, at(1));
      expect(await dueActions(db, at(4).at)).toEqual([]);
      expect((await claimActions(db, ['a001'], at(5).at)).map((a) => a.attempts)).toEqual([2]);
      await completeAction(db, 'a001', at(5));
      expect(await getAction(db, 'a001')).toMatchObject({ status: 'done', attempts: 2, lastError: null });
      await claimActions(db, ['a002'], at(30).at);
      await failAction(db, 'a002', { error: 'HTTP 400 bad attribute' }, at(30));
      expect(await getAction(db, 'a002')).toMatchObject({ status: 'dead', lastError: 'HTTP 400 bad attribute' });
      expect(await completeAction(db, 'nope', at(31))).toMatchObject({ ok: false, code: 'not_found' });
      expect(await verifyAudit(db)).toMatchObject({ ok: true });
    });

    it('lists runs newest first through cursor pages', async () => {
      const db = await freshDb(makeDb);
      for (let i = 0; i < 7; i++) await createRun(db, { ...run(`r${i}`), kind: i % 2 ? 'jit' : 'reconcile' }, [], at(i % 3));
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listRuns(db, { limit: 3, cursor });
        if (!page.ok) throw new Error(page.message);
        ids.push(...page.value.items.map((r) => r.id));
        cursor = page.value.nextCursor;
      } while (cursor);
      expect(ids).toEqual(['r5', 'r2', 'r4', 'r1', 'r6', 'r3', 'r0']);
      const jit = await listRuns(db, { kind: 'jit' });
      expect(jit.ok && jit.value.items.map((r) => r.id)).toEqual(['r5', 'r1', 'r3']);
      expect(await listRuns(db, { cursor: 'eyJrIjoibm9waXBlIn0' })).toMatchObject({ ok: false, code: 'bad_cursor' });
      expect((await getRun(db, 'r0'))?.summary).toEqual({ creates: 1, queued: 0 });
      const [count] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM runs`);
      expect(Number(count?.n)).toBe(7);
    });
  });
}

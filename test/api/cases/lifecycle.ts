// Lifecycle operations: the status is stored and the engine decides the app actions, written
// with the run and the audit event in one batch.
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import { recordAccounts } from '../../../edge/db/repos/accounts.ts';
import { completeAction } from '../../../edge/db/repos/outbox.ts';
import type { Db } from '../../../edge/db/index.ts';
import { memberships, runStatusChanges } from '../../../edge/db/schema.ts';
import type { ApiContext, MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';
import { RULES, engineer } from '../fixtures.ts';
import { seed } from './runs.ts';

async function withAccounts(t: ApiContext): Promise<void> {
  await seed(t, 1, 0);
  await recordAccounts(
    t.runtime.db,
    [
      { userId: 'u1', appId: 'github', status: 'active', role: 'developer', attributes: { email: 'eng1@example.com' } },
      { userId: 'u1', appId: 'wiki', status: 'active', attributes: {} },
    ],
    { at: t.runtime.now(), actor: 'test' },
  );
}

const summary = (actions: { type: string; appId: string }[]) => actions.map((a) => `${a.type} ${a.appId}`).sort();

export function lifecycleCases(makeRuntime: MakeRuntime): void {
  it('suspends and unsuspends a user, the engine deciding the app actions', async () => {
    const t = await setup(makeRuntime);
    await withAccounts(t);
    const suspended = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    expect(suspended.status).toBe(200);
    expect(suspended.body.user).toMatchObject({ status: 'SUSPENDED', version: 2 });
    expect(summary(suspended.body.actions)).toEqual(['account.suspend github', 'account.suspend wiki']);
    expect(suspended.body.run).toMatchObject({ status: 'planned' });
    const run = await t.call('GET', `/v1/runs/${suspended.body.run.id}`);
    expect(run.body).toMatchObject({ kind: 'lifecycle', summary: { operation: 'suspend', from: 'ACTIVE', to: 'SUSPENDED' } });
    expect(run.body.actions.map((a: { id: string }) => a.id).sort()).toEqual(suspended.body.actions.map((a: { id: string }) => a.id).sort());
    const audit = await t.call('GET', '/v1/audit?subject=u1&type=identity.lifecycle');
    expect(audit.body.items[0].data).toMatchObject({ operation: 'suspend', from: 'ACTIVE', to: 'SUSPENDED', runId: suspended.body.run.id });

    const again = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_transition');
    const unsuspended = await t.call('POST', '/v1/users/u1/lifecycle/unsuspend');
    expect(unsuspended.body.user.status).toBe('ACTIVE');
    expect((await verifyAudit(t.runtime.db)).ok).toBe(true);
  });

  it('deactivates per app policy, reactivates, and deletes only a deactivated user', async () => {
    const t = await setup(makeRuntime);
    await withAccounts(t);
    expect((await t.call('POST', '/v1/users/u1/lifecycle/delete')).status).toBe(409);
    const deactivated = await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    expect(deactivated.body.user.status).toBe('DEPROVISIONED');
    expect(summary(deactivated.body.actions)).toEqual(['account.deactivate github', 'account.deactivate wiki']);
    const reactivated = await t.call('POST', '/v1/users/u1/lifecycle/reactivate');
    expect(reactivated.body.user.status).toBe('ACTIVE');
    await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    const deleted = await t.call('POST', '/v1/users/u1/lifecycle/delete');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ user: null, applied: true });
    expect((await t.call('GET', '/v1/users/u1')).status).toBe(404);
    expect((await t.call('GET', '/v1/audit?type=identity.delete')).body.items).toHaveLength(1);
  });

  it('holds a status change with its run when a safety threshold holds the actions: approval applies both, rejection neither', async () => {
    const t = await setup(makeRuntime);
    // Every deactivation needs an approval.
    const files = RULES.map((f) => (f.path === 'settings.yaml' ? { ...f, text: f.text.replace('max: 2', 'max: 0') } : f));
    expect((await t.call('POST', '/v1/rule-sets', { body: { files, activate: true } })).status).toBe(201);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    await recordAccounts(t.runtime.db, [{ userId: 'u1', appId: 'github', status: 'active', role: 'developer' }, { userId: 'u1', appId: 'wiki', status: 'active' }], { at: t.runtime.now(), actor: 'test' });
    const outbox = async () => summary((await t.call('GET', '/v1/outbox?userId=u1')).body.items.map((a: { type: string; appId: string; status: string }) => ({ type: `${a.type}:${a.status}`, appId: a.appId })));

    const held = await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ user: { status: 'ACTIVE', version: 1 }, run: { status: 'held' } });
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'ACTIVE', version: 1 });
    expect(await outbox()).toEqual(['account.deactivate:held github', 'account.deactivate:held wiki']);
    // Another change while one waits is refused, naming the run.
    const other = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    expect(other.status).toBe(409);
    expect(other.body.error).toEqual({ code: 'held', message: `user \`u1\` has a status change waiting in held run \`${held.body.run.id}\`: approve or reject it first` });

    expect((await t.call('POST', `/v1/runs/${held.body.run.id}/reject`)).status).toBe(200);
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'ACTIVE', version: 1 });
    expect(await outbox()).toEqual(['account.deactivate:cancelled github', 'account.deactivate:cancelled wiki']);

    const again = await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    expect(again.body.run.status).toBe('held');
    expect((await t.call('POST', `/v1/runs/${again.body.run.id}/approve`)).status).toBe(200);
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'DEPROVISIONED', version: 2 });
    expect(await outbox()).toEqual(['account.deactivate:pending github', 'account.deactivate:pending wiki']);
    const audit = await t.call('GET', '/v1/audit?subject=u1&type=identity.lifecycle');
    expect(audit.body.items.map((e: { data: Record<string, unknown> }) => e.data)).toContainEqual({ operation: 'deactivate', from: 'ACTIVE', to: 'DEPROVISIONED', runId: again.body.run.id, approved: true });
    expect((await verifyAudit(t.runtime.db)).ok).toBe(true);
  });

  it('holds a delete with its run: the user and their memberships stay until approval, and a rejection keeps them', async () => {
    const t = await setup(makeRuntime);
    const db = t.runtime.db;
    // Every deactivation needs an approval; a deprovisioned user's accounts not yet deactivated are planned again by the delete.
    const files = RULES.map((f) => (f.path === 'settings.yaml' ? { ...f, text: f.text.replace('max: 2', 'max: 0') } : f));
    expect((await t.call('POST', '/v1/rule-sets', { body: { files, activate: true } })).status).toBe(201);
    await t.call('POST', '/v1/users', { body: engineer(1) });
    await recordAccounts(db, [{ userId: 'u1', appId: 'github', status: 'active', role: 'developer' }, { userId: 'u1', appId: 'wiki', status: 'active' }], { at: t.runtime.now(), actor: 'test' });
    await db.insert(memberships).values({ userId: 'u1', groupId: 'admins', source: 'manual' });
    const deactivated = await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    expect((await t.call('POST', `/v1/runs/${deactivated.body.run.id}/approve`)).status).toBe(200);
    const kept = async () => (await db.select().from(memberships).where(eq(memberships.userId, 'u1'))).map((m) => m.groupId);

    const held = await t.call('POST', '/v1/users/u1/lifecycle/delete');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ user: { id: 'u1', status: 'DEPROVISIONED', version: 2 }, run: { status: 'held' }, applied: false });
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'DEPROVISIONED', version: 2 });
    expect(await kept()).toEqual(['admins']);
    const requested = await t.call('GET', '/v1/audit?subject=u1&type=identity.lifecycle');
    expect(requested.body.items[0].data).toMatchObject({ operation: 'delete', runId: held.body.run.id, held: true });
    expect((await t.call('GET', '/v1/audit?type=identity.delete')).body.items).toEqual([]);
    const other = await t.call('POST', '/v1/users/u1/lifecycle/reactivate');
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('held');

    expect((await t.call('POST', `/v1/runs/${held.body.run.id}/reject`)).status).toBe(200);
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'DEPROVISIONED', version: 2 });
    expect(await kept()).toEqual(['admins']);

    const again = await t.call('POST', '/v1/users/u1/lifecycle/delete');
    expect(again.body).toMatchObject({ user: { status: 'DEPROVISIONED' }, run: { status: 'held' }, applied: false });
    expect((await t.call('POST', `/v1/runs/${again.body.run.id}/approve`)).status).toBe(200);
    expect((await t.call('GET', '/v1/users/u1')).status).toBe(404);
    expect(await kept()).toEqual([]);
    const deleted = await t.call('GET', '/v1/audit?type=identity.delete');
    expect(deleted.body.items.map((e: { subject: string; data: unknown }) => [e.subject, e.data])).toEqual([['u1', { operation: 'delete', from: 'DEPROVISIONED', to: 'DEPROVISIONED', runId: again.body.run.id, approved: true }]]);
    expect((await verifyAudit(db)).ok).toBe(true);
  });

  it('refuses an operation when another one was held for the user between its check and its write, writing nothing', async () => {
    // Another request holds a status change for u1 after this one checked for one, before its batch.
    let race: (() => Promise<unknown>) | undefined;
    const t = await setup(async () => {
      const base = await makeRuntime();
      const db: Db = Object.create(base.db);
      db.batch = async (statements) => {
        const first = race;
        race = undefined;
        if (first) await first();
        return base.db.batch(statements);
      };
      return { ...base, db };
    });
    await withAccounts(t);
    const before = await countRows(t.runtime.db);
    for (const operation of ['suspend', 'deactivate']) {
      race = () => t.runtime.db.insert(runStatusChanges).values({ runId: 'held-elsewhere', userId: 'u1', fromStatus: 'ACTIVE', toStatus: 'DEPROVISIONED' }).onConflictDoNothing();
      const res = await t.call('POST', `/v1/users/u1/lifecycle/${operation}`);
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'held', message: 'user `u1` has a status change waiting in held run `held-elsewhere`: approve or reject it first' });
    }
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'ACTIVE', version: 1 });
  });

  it('activates a staged user and grants the assigned apps', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 0, 0);
    await t.call('POST', '/v1/users', { body: { id: 'new', login: 'new', status: 'STAGED', profile: { department: 'Engineering', email: 'new@example.com' } } });
    const activated = await t.call('POST', '/v1/users/new/lifecycle/activate');
    expect(activated.body.user.status).toBe('ACTIVE');
    expect(summary(activated.body.actions)).toEqual(['account.create github', 'account.create wiki']);
    expect((await t.call('GET', '/v1/outbox?userId=new')).body.items).toHaveLength(2);
  });

  it('stores the status change without a run when no rule set is active', async () => {
    const t = await setup(makeRuntime);
    await t.call('POST', '/v1/users', { body: { id: 'x', login: 'x' } });
    const res = await t.call('POST', '/v1/users/x/lifecycle/suspend');
    expect(res.body).toMatchObject({ user: { status: 'SUSPENDED' }, run: null, actions: [] });
  });

  it('writes nothing when any part of the batch fails: status, run, actions and audit go together', async () => {
    // A clock of ids that repeats makes the second run's insert collide, failing its batch.
    const t = await setup(async () => ({ ...(await makeRuntime()), newId: () => 'same-run-id' }));
    await withAccounts(t);
    expect((await t.call('POST', '/v1/users/u1/lifecycle/suspend')).status).toBe(200);
    const before = await countRows(t.runtime.db);
    const failed = await t.call('POST', '/v1/users/u1/lifecycle/unsuspend');
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe('internal');
    expect(await countRows(t.runtime.db)).toEqual(before);
    expect((await t.call('GET', '/v1/users/u1')).body).toMatchObject({ status: 'SUSPENDED', version: 2 });
    expect((await verifyAudit(t.runtime.db)).ok).toBe(true);
  });

  it('queues a second suspension after an unsuspend: a done action comes back once its effect was undone', async () => {
    const t = await setup(makeRuntime);
    await withAccounts(t);
    const db = t.runtime.db;
    // What the dispatcher does on success: the action done, the account as the app now holds it.
    const deliver = async (actions: { id: string; appId?: string }[], status: 'active' | 'suspended') => {
      for (const action of actions) expect((await completeAction(db, action.id, { at: t.runtime.now(), actor: 'test' })).ok).toBe(true);
      await recordAccounts(db, [{ userId: 'u1', appId: 'github', status, role: 'developer', attributes: { email: 'eng1@example.com' } }, { userId: 'u1', appId: 'wiki', status, attributes: {} }], { at: t.runtime.now(), actor: 'test' });
    };
    const first = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    await deliver(first.body.actions, 'suspended');
    // Re-proposing what is done and still in effect queues nothing.
    const replanned = await t.call('POST', '/v1/runs', { body: {} });
    expect(replanned.status).toBe(201);
    expect((await t.call('GET', '/v1/outbox?userId=u1&status=pending')).body.items).toEqual([]);
    const back = await t.call('POST', '/v1/users/u1/lifecycle/unsuspend');
    expect(summary(back.body.actions)).toEqual(['account.reactivate github', 'account.reactivate wiki']);
    await deliver(back.body.actions, 'active');
    const second = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    // The same change, so the same ids as the first suspension: queued again all the same.
    expect(second.body.actions.map((a: { id: string }) => a.id).sort()).toEqual(first.body.actions.map((a: { id: string }) => a.id).sort());
    const queued = await t.call('GET', '/v1/outbox?userId=u1&status=pending');
    expect(summary(queued.body.items)).toEqual(['account.suspend github', 'account.suspend wiki']);
    expect(queued.body.items.every((a: { runId: string }) => a.runId === second.body.run.id)).toBe(true);
  });

  it('provisions one user now, saying why what cannot be delivered waits', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    // Neither app has a connection here: planning happens, delivery cannot.
    const res = await t.call('POST', '/v1/users/u1/provision');
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'u1' });
    expect(res.body.run).toMatchObject({ status: 'planned' });
    expect(summary(res.body.actions)).toEqual(['account.create github', 'account.create wiki']);
    for (const action of res.body.actions) {
      expect(action).toMatchObject({ status: 'pending', why: expect.stringContaining(`assigns \`${action.appId}\``), waiting: `app \`${action.appId}\` has no connection yet: register it (POST /v1/apps) and its actions are delivered` });
    }
    const run = await t.call('GET', `/v1/runs/${res.body.run.id}`);
    expect(run.body).toMatchObject({ kind: 'reconcile', summary: { users: 1 } });
    expect((await t.call('POST', '/v1/users/u1/provision', { token: t.tokens.read })).status).toBe(403);
  });
}

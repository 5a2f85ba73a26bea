// Rule sets, simulate, reconcile runs (held or not), approve/reject and the outbox.
import { expect, it } from 'vitest';
import { verifyAudit } from '../../../edge/audit/verify.ts';
import { observedState, recordAccounts } from '../../../edge/db/repos/accounts.ts';
import { importRuns, memberships, runRetirements } from '../../../edge/db/schema.ts';
import type { ApiContext, MakeRuntime } from '../context.ts';
import { countRows, setup } from '../context.ts';
import { RULES, engineer, salesperson } from '../fixtures.ts';

/** Active rules and `engineers` + `sales` users. */
export async function seed(t: ApiContext, engineers = 2, sales = 1): Promise<string> {
  const uploaded = await t.call('POST', '/v1/rule-sets', { body: { files: RULES, activate: true } });
  expect(uploaded.status).toBe(201);
  for (let i = 1; i <= engineers; i++) expect((await t.call('POST', '/v1/users', { body: engineer(i) })).status).toBe(201);
  for (let i = 1; i <= sales; i++) expect((await t.call('POST', '/v1/users', { body: salesperson(i) })).status).toBe(201);
  return uploaded.body.version as string;
}

export function runCases(makeRuntime: MakeRuntime): void {
  it('keeps every rule-set version with its hash and activates one', async () => {
    const t = await setup(makeRuntime);
    const first = await t.call('POST', '/v1/rule-sets', { body: { files: RULES } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, active: false, source: 'upload' });
    expect(first.body.version).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.call('POST', '/v1/rule-sets', { body: { files: RULES } })).status).toBe(200);
    const second = await t.call('POST', '/v1/rule-sets', { body: { files: RULES.slice(0, 2) } });
    expect(second.body.version).not.toBe(first.body.version);
    const activated = await t.call('POST', `/v1/rule-sets/${first.body.version}/activate`);
    expect(activated.body).toMatchObject({ version: first.body.version, active: true });
    const list = await t.call('GET', '/v1/rule-sets');
    expect(list.body.items.map((v: { version: string }) => v.version).sort()).toEqual([first.body.version, second.body.version].sort());
    expect(list.body.items.filter((v: { active: boolean }) => v.active).map((v: { version: string }) => v.version)).toEqual([first.body.version]);
    const read = await t.call('GET', `/v1/rule-sets/${first.body.version}`);
    expect(read.body.files).toEqual(RULES);
  });

  it('lists rule-set versions a page at a time, newest first, and the active one alone', async () => {
    const t = await setup(makeRuntime);
    const versions: string[] = [];
    for (const files of [RULES, RULES.slice(0, 2), RULES.slice(0, 3)]) versions.push((await t.call('POST', '/v1/rule-sets', { body: { files } })).body.version);
    expect((await t.call('POST', `/v1/rule-sets/${versions[0]}/activate`)).status).toBe(200);
    const first = await t.call('GET', '/v1/rule-sets?limit=2');
    expect(first.body.items.map((v: { version: string }) => v.version)).toEqual([versions[2], versions[1]]);
    expect(first.body.next).toEqual(expect.any(String));
    const rest = await t.call('GET', `/v1/rule-sets?limit=2&cursor=${first.body.next}`);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ version: versions[0], active: true })] });
    expect((await t.call('GET', '/v1/rule-sets?active=true')).body.items.map((v: { version: string }) => v.version)).toEqual([versions[0]]);
    expect((await t.call('GET', '/v1/rule-sets?cursor=zzz')).body.error.code).toBe('invalid_cursor');
    expect((await t.call('GET', '/v1/rule-sets?active=yes')).body.error.code).toBe('invalid_query');
  });

  it('refuses an outbox filter on a type no action has, naming the types', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 1, 0);
    expect((await t.call('POST', '/v1/runs', { body: {} })).status).toBe(201);
    expect((await t.call('GET', '/v1/outbox?type=account.create')).body.items).toHaveLength(2);
    const typo = await t.call('GET', '/v1/outbox?type=account.creat');
    expect(typo.status).toBe(400);
    expect(typo.body.error).toMatchObject({ code: 'invalid_query', message: expect.stringMatching(/^`type`: must be one of `account\.create`, .* \(got `account\.creat`\)$/) });
  });

  it('loads rules from the runtime and says so when it has none', async () => {
    const t = await setup(makeRuntime);
    const res = await t.call('POST', '/v1/rule-sets/load');
    if (t.runtime.rules === undefined) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('no_rules_source');
    } else {
      expect([200, 201]).toContain(res.status);
      expect(res.body.active).toBe(true);
    }
    const withRules = await setup(async () => ({ ...(await makeRuntime()), rules: { load: async () => RULES } }));
    const loaded = await withRules.call('POST', '/v1/rule-sets/load', { body: {} });
    expect(loaded.status).toBe(201);
    expect(loaded.body).toMatchObject({ source: 'rules/', active: true });
  });

  it('simulates for stored users, profiles, a stored version or uploaded files, writing nothing', async () => {
    const t = await setup(makeRuntime);
    const version = await seed(t);
    const before = await countRows(t.runtime.db);
    const all = await t.call('POST', '/v1/simulate', { body: {} });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ version, users: 3, held: false, counts: { 'account.create': 5 } });
    const one = await t.call('POST', '/v1/simulate', { body: { users: ['u1'] } });
    expect(one.body.actions.map((a: { type: string; appId: string }) => `${a.type} ${a.appId}`).sort()).toEqual(['account.create github', 'account.create wiki']);
    const profile = await t.call('POST', '/v1/simulate', { body: { users: [{ id: 'new', department: 'Sales' }], ruleSet: version, asOf: '2030-01-01T00:00:00Z' } });
    expect(profile.body).toMatchObject({ asOf: '2030-01-01T00:00:00.000Z', counts: { 'account.create': 1 } });
    const files = await t.call('POST', '/v1/simulate', { body: { users: ['s1'], ruleSet: RULES.slice(0, 2) } });
    expect(files.body.actions).toEqual([]);
    expect((await t.call('POST', '/v1/simulate', { body: { users: ['ghost'] } })).status).toBe(404);
    expect(await countRows(t.runtime.db)).toEqual(before);
  });

  it('refuses a simulation that names a user twice or gives an unknown status, naming where', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 2, 0);
    const ids = await t.call('POST', '/v1/simulate', { body: { users: ['u1', 'u2', 'u1'] } });
    expect(ids.status).toBe(400);
    expect(ids.body.error).toMatchObject({ code: 'invalid_body', details: [{ path: 'users.2', message: 'user `u1` is given twice (also at `users.0`)' }] });
    const profiles = await t.call('POST', '/v1/simulate', { body: { users: [{ id: 'x', department: 'Engineering' }, { id: 'x', department: 'Sales' }] } });
    expect(profiles.status).toBe(400);
    expect(profiles.body.error.details).toEqual([{ path: 'users.1', message: 'user `x` is given twice (also at `users.0`)' }]);
    const status = await t.call('POST', '/v1/simulate', { body: { users: [{ id: 'y', status: 'active', department: 'Engineering' }] } });
    expect(status.status).toBe(400);
    expect(status.body.error.details).toEqual([{ path: 'users.0.status', message: '`active` is not a status: use `STAGED`, `PROVISIONED`, `ACTIVE`, `SUSPENDED`, `DEPROVISIONED`' }]);
    expect((await t.call('POST', '/v1/simulate', { body: { users: [{ id: 'y', status: 'SUSPENDED', department: 'Engineering' }] } })).status).toBe(200);
  });

  it('simulates every user as a reconcile plans them: an app whose last read failed loses no account', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 3, 0);
    const { db } = t.runtime;
    await recordAccounts(db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer' })), { at: t.runtime.now(), actor: 'test' });
    for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
    const deactivations = async () => ((await t.call('POST', '/v1/simulate', { body: {} })).body.actions as { type: string }[]).filter((a) => a.type === 'account.deactivate').length;
    expect(await deactivations()).toBe(3);
    await db.insert(importRuns).values({ id: 'read-1', source: 'app:github', status: 'failed', errors: [{ message: 'connection refused' }], startedAt: t.runtime.now() });
    expect(await deactivations()).toBe(0);
    const run = await t.call('POST', '/v1/runs', { body: {} });
    expect(run.body.run.summary.actions['account.deactivate']).toBeUndefined();
  });

  it('pages what the apps hold, as plans read it: every page together is the whole observed state', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 3, 1);
    const { db } = t.runtime;
    const ctx = { at: t.runtime.now(), actor: 'test' };
    // An account with no identity counts in its app's population (the safety gates read it).
    await recordAccounts(db, [{ userId: 'u1', appId: 'github', status: 'active', role: 'developer' }, { userId: 'u3', appId: 'wiki', status: 'suspended' }, { userId: 'gone', appId: 'wiki', status: 'active' }], ctx);
    await db.insert(memberships).values([{ userId: 's1', groupId: 'admins', source: 'manual' }, { userId: 'u2', groupId: 'admins', source: 'manual' }, { userId: 'u2', groupId: 'oncall', source: 'manual' }]);
    await db.insert(importRuns).values({ id: 'read-1', source: 'app:wiki', status: 'done', total: 0, errors: [{ message: 'no accounts' }], startedAt: ctx.at });

    const pages = [];
    let cursor: string | undefined;
    do {
      const res = await t.call('GET', `/v1/observed?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: t.tokens.read });
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.next;
    } while (cursor);
    expect(pages.map((p) => p.users)).toEqual([['gone', 's1'], ['u1', 'u2'], ['u3']]);
    const whole = await observedState(db);
    expect(whole.accounts).toHaveLength(3);
    expect(whole.memberships).toHaveLength(3);
    // In user order here, in account-id order there: the same accounts (one per user and app).
    const byKey = <T extends { userId: string }>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => `${a.userId} ${key(a)}`.localeCompare(`${b.userId} ${key(b)}`));
    expect(byKey(pages.flatMap((p) => p.accounts), (a) => a.appId)).toEqual(byKey(whole.accounts, (a) => a.appId));
    expect(pages.flatMap((p) => p.memberships)).toEqual(whole.memberships);
    expect(pages.every((p) => p.health.wiki === 'empty')).toBe(true);

    const bad = await t.call('GET', '/v1/observed?cursor=nope!');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
    expect((await t.call('GET', '/v1/observed?limit=5001')).status).toBe(400);
  });

  it("cancels an account's waiting create when a later run plans it with other attributes; a held run does so only when approved", async () => {
    const t = await setup(makeRuntime);
    await seed(t, 4, 0);
    const { db } = t.runtime;
    await recordAccounts(db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer' })), { at: t.runtime.now(), actor: 'test' });
    const first = await t.call('POST', '/v1/runs', { body: {} });
    const waiting = async (status: string) => ((await t.call('GET', `/v1/outbox?userId=u4&status=${status}`)).body.items as { id: string; runId: string; appId: string; type: string; lastError: string | null }[]).filter((a) => a.type === 'account.create');
    const [create] = (await waiting('pending')).filter((a) => a.appId === 'github');
    expect(create?.runId).toBe(first.body.run.id);

    // u4's email changes before the create is delivered: the github create carries it, so the old one is stale.
    expect((await t.call('PATCH', '/v1/users/u4', { body: { email: 'eng4.new@example.com', profile: { email: 'eng4.new@example.com' } } })).status).toBe(200);
    const second = await t.call('POST', '/v1/runs', { body: {} });
    expect(second.body.run.status).toBe('planned');
    const pending = await waiting('pending');
    expect(pending.map((a) => `${a.appId} ${a.runId === second.body.run.id ? 'second' : 'first'}`).sort()).toEqual(['github second', 'wiki first']);
    const [cancelled] = await waiting('cancelled');
    expect(cancelled).toMatchObject({ id: create!.id, lastError: `no longer planned: run ${second.body.run.id} planned this user again without it` });

    // Again, in a run held for three deactivations: nothing is cancelled until it is approved.
    expect((await t.call('PATCH', '/v1/users/u4', { body: { email: 'eng4.third@example.com', profile: { email: 'eng4.third@example.com' } } })).status).toBe(200);
    for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
    const held = await t.call('POST', '/v1/runs', { body: {} });
    expect(held.body.run.status).toBe('held');
    expect((await waiting('pending')).filter((a) => a.appId === 'github').map((a) => a.runId)).toEqual([second.body.run.id]);
    expect((await t.call('POST', `/v1/runs/${held.body.run.id}/approve`)).status).toBe(200);
    expect((await waiting('pending')).filter((a) => a.appId === 'github').map((a) => a.runId)).toEqual([held.body.run.id]);
    expect((await waiting('cancelled')).map((a) => a.lastError)).toContain(`superseded by run ${held.body.run.id}, which plans this account again`);
  });

  it("cancels what a user was about to get when they leave before it is delivered; a password change cancels nothing", async () => {
    const t = await setup(makeRuntime);
    await seed(t, 2, 0);
    expect((await t.call('POST', '/v1/runs', { body: {} })).body.queued).toBe(4);
    const waitingFor = async (userId: string) => ((await t.call('GET', `/v1/outbox?userId=${userId}&status=pending`)).body.items as { type: string; appId: string }[]).map((a) => `${a.type} ${a.appId}`).sort();
    expect(await waitingFor('u1')).toEqual(['account.create github', 'account.create wiki']);

    // A password change plans only the password: u2's waiting creates stay.
    expect((await t.call('POST', '/v1/users/u2/password', { body: { password: 'Correct-Horse-42!' } })).status).toBe(200);
    expect(await waitingFor('u2')).toEqual(['account.create github', 'account.create wiki']);

    // u1 leaves before the dispatcher ran: the accounts would be made only to be taken away.
    const left = await t.call('POST', '/v1/users/u1/lifecycle/deactivate');
    expect(left.status).toBe(200);
    expect(await waitingFor('u1')).toEqual([]);
    const cancelled = (await t.call('GET', '/v1/outbox?userId=u1&status=cancelled')).body.items as { type: string; lastError: string }[];
    expect(cancelled.map((a) => `${a.type}: ${a.lastError}`)).toEqual([`account.create: no longer planned: run ${left.body.run.id} planned this user again without it`, `account.create: no longer planned: run ${left.body.run.id} planned this user again without it`]);
    expect(await waitingFor('u2')).toEqual(['account.create github', 'account.create wiki']);

    // Back before delivery: the same creates are queued again.
    const back = await t.call('POST', '/v1/users/u1/lifecycle/reactivate');
    expect(back.status).toBe(200);
    expect(await waitingFor('u1')).toEqual(['account.create github', 'account.create wiki']);
  });

  it("retires a leaver's waiting creates in a held run only when it is approved, never when it is rejected", async () => {
    for (const decision of ['reject', 'approve'] as const) {
      const t = await setup(makeRuntime);
      await seed(t, 4, 0);
      await recordAccounts(t.runtime.db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer' })), { at: t.runtime.now(), actor: 'test' });
      expect((await t.call('POST', '/v1/runs', { body: {} })).status).toBe(201);
      const waitingFor4 = async () => ((await t.call('GET', '/v1/outbox?userId=u4&status=pending')).body.items as { type: string; appId: string }[]).map((a) => `${a.type} ${a.appId}`).sort();
      expect(await waitingFor4()).toEqual(['account.create github', 'account.create wiki']);
      // u4 loses every assignment (no department); three engineers move to Sales: three deactivations hold the run.
      expect((await t.call('PATCH', '/v1/users/u4', { body: { profile: { department: null } } })).status).toBe(200);
      for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
      const held = await t.call('POST', '/v1/runs', { body: {} });
      expect(held.body.run.status).toBe('held');
      expect(await waitingFor4()).toEqual(['account.create github', 'account.create wiki']);
      expect((await t.call('POST', `/v1/runs/${held.body.run.id}/${decision}`)).status).toBe(200);
      expect(await waitingFor4()).toEqual(decision === 'approve' ? [] : ['account.create github', 'account.create wiki']);
      expect(await t.runtime.db.select().from(runRetirements)).toEqual([]);
    }
  });

  it('writes a reconcile run, its outbox actions and its audit event together', async () => {
    const t = await setup(makeRuntime);
    await seed(t);
    const res = await t.call('POST', '/v1/runs', { body: {} });
    expect(res.status).toBe(201);
    expect(res.body.run).toMatchObject({ kind: 'reconcile', status: 'planned', heldReasons: [] });
    expect(res.body.queued).toBe(5);
    const run = await t.call('GET', `/v1/runs/${res.body.run.id}`);
    expect(run.body.actions).toHaveLength(5);
    expect(run.body.actions.every((a: { status: string }) => a.status === 'pending')).toBe(true);
    expect((await t.call('GET', '/v1/outbox?status=pending')).body.items).toHaveLength(5);
    const audit = await t.call('GET', '/v1/audit?type=run.create');
    expect(audit.body.items[0]).toMatchObject({ subject: res.body.run.id, data: { actions: { 'account.create': 5 } } });
    expect((await verifyAudit(t.runtime.db)).ok).toBe(true);
    expect((await t.call('GET', '/v1/runs?kind=reconcile')).body.items.map((r: { id: string }) => r.id)).toEqual([res.body.run.id]);
  });

  it('holds a run that crosses a safety threshold until it is approved or rejected', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 3, 0);
    const ctx = { at: t.runtime.now(), actor: 'test' };
    await recordAccounts(t.runtime.db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer', attributes: { email: `eng${n}@example.com` } })), ctx);
    for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
    const held = await t.call('POST', '/v1/runs');
    expect(held.status).toBe(201);
    expect(held.body.run.status).toBe('held');
    expect(held.body.run.heldReasons.join(' ')).toContain('github');
    expect((await t.call('GET', '/v1/outbox?status=pending')).body.items).toEqual([]);
    const waiting = await t.call('GET', `/v1/outbox?status=held&runId=${held.body.run.id}`);
    expect(waiting.body.items.filter((a: { type: string }) => a.type === 'account.deactivate')).toHaveLength(3);
    expect((await t.call('GET', '/v1/reports/held-runs')).body.items.map((r: { id: string }) => r.id)).toEqual([held.body.run.id]);

    const approved = await t.call('POST', `/v1/runs/${held.body.run.id}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: expect.stringMatching(/^token:/) });
    expect((await t.call('GET', `/v1/outbox?status=pending&runId=${held.body.run.id}`)).body.items.length).toBe(waiting.body.items.length);
    const again = await t.call('POST', `/v1/runs/${held.body.run.id}/reject`);
    expect(again.status).toBe(409);

    // Nothing was delivered yet: the next run plans the same removals, but an approved action
    // already queued is not queued again nor put back on hold.
    const second = await t.call('POST', '/v1/runs', { body: { asOf: '2025-06-01T00:00:00Z' } });
    expect(second.body.run.status).toBe('held');
    expect(second.body.queued).toBe(0);
    expect((await t.call('GET', '/v1/outbox?status=pending')).body.items.length).toBe(waiting.body.items.length);
  });

  it('refuses to approve a held run planned under rules no longer active or for users changed since; it can be rejected and planned again', async () => {
    const t = await setup(makeRuntime);
    const version = await seed(t, 3, 0);
    await recordAccounts(t.runtime.db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer' })), { at: t.runtime.now(), actor: 'test' });
    for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
    const held = await t.call('POST', '/v1/runs');
    expect(held.body.run).toMatchObject({ status: 'held', ruleSetVersion: version });
    expect((await t.call('GET', `/v1/runs/${held.body.run.id}`)).body.stale).toEqual([]);
    const deactivations = async (status: string) => ((await t.call('GET', `/v1/outbox?type=account.deactivate&status=${status}`)).body.items as unknown[]).length;
    expect(await deactivations('held')).toBe(3);

    // A new rule gives Sales github too: approving the old plan would take away accounts the rules now grant.
    const files = RULES.map((f) => (f.path === 'assignments.yaml' ? { ...f, text: f.text.replace('value: Engineering', 'value: Sales') } : f));
    const newer = await t.call('POST', '/v1/rule-sets', { body: { files, activate: true } });
    expect(newer.status).toBe(201);
    const refused = await t.call('POST', `/v1/runs/${held.body.run.id}/approve`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'stale', message: `run \`${held.body.run.id}\` cannot be approved: it was planned under rule set \`${version.slice(0, 12)}\` and \`${newer.body.version.slice(0, 12)}\` is active now: reject it and plan again` });
    // The run says so before anyone tries: the same reasons.
    expect((await t.call('GET', `/v1/runs/${held.body.run.id}`)).body).toMatchObject({ status: 'held', stale: [refused.body.error.message.split(': ')[1]] });
    expect(await deactivations('pending')).toBe(0);

    // Back on the rules it was planned under, but one of its users moved since.
    expect((await t.call('POST', `/v1/rule-sets/${version}/activate`)).status).toBe(200);
    expect((await t.call('PATCH', '/v1/users/u2', { body: { profile: { department: 'Engineering' } } })).status).toBe(200);
    const moved = await t.call('POST', `/v1/runs/${held.body.run.id}/approve`);
    expect(moved.status).toBe(409);
    expect(moved.body.error.message).toBe(`run \`${held.body.run.id}\` cannot be approved: users changed since: \`u2\`: reject it and plan again`);

    expect((await t.call('POST', `/v1/runs/${held.body.run.id}/reject`)).body.status).toBe('rejected');
    expect(await deactivations('cancelled')).toBe(3);
    // Planned again: u2 keeps github, and two deactivations are within the threshold.
    const again = await t.call('POST', '/v1/runs');
    expect(again.body.run).toMatchObject({ status: 'planned', summary: { actions: { 'account.deactivate': 2 } } });
    expect(await deactivations('pending')).toBe(2);
    expect((await verifyAudit(t.runtime.db)).ok).toBe(true);
  });

  it("queues a pushed group's create once: a one-user plan lists it while it waits, and a rename cancels the waiting one", async () => {
    const t = await setup(makeRuntime);
    const push = { path: 'groups.yaml', text: 'kind: group\nid: eng\nname: Engineering\npush:\n  - { app: github }\nwhen: { all: [ { fact: department, operator: equal, value: Engineering } ] }\n' };
    expect((await t.call('POST', '/v1/rule-sets', { body: { files: [...RULES, push], activate: true } })).status).toBe(201);
    for (const n of [1, 2]) await t.call('POST', '/v1/users', { body: engineer(n) });
    const first = await t.call('POST', '/v1/runs', { body: {} });
    const creates = async () => ((await t.call('GET', '/v1/outbox?type=group.create')).body.items as { id: string; runId: string; status: string; lastError: string | null }[]).map((a) => ({ id: a.id, runId: a.runId, status: a.status, lastError: a.lastError }));
    const [waiting] = await creates();
    expect(waiting).toMatchObject({ runId: first.body.run.id, status: 'pending' });

    // A one-user plan plans the group too (it is not in the app yet): listed, not queued twice.
    const suspended = await t.call('POST', '/v1/users/u1/lifecycle/suspend');
    expect(suspended.body.actions.map((a: { id: string }) => a.id)).toContain(waiting!.id);
    expect(await creates()).toEqual([waiting]);

    // Renamed before delivery: the waiting create carries the old name, so the new one cancels it.
    const renamed = { ...push, text: push.text.replace('name: Engineering', 'name: Engineering team') };
    expect((await t.call('POST', '/v1/rule-sets', { body: { files: [...RULES, renamed], activate: true } })).status).toBe(201);
    const back = await t.call('POST', '/v1/users/u1/lifecycle/unsuspend');
    expect(await creates()).toEqual(
      expect.arrayContaining([
        { ...waiting, status: 'cancelled', lastError: `superseded by run ${back.body.run.id}, which plans this group again` },
        expect.objectContaining({ runId: back.body.run.id, status: 'pending' }),
      ]),
    );
    expect((await t.call('GET', '/v1/outbox?type=group.create&status=pending')).body.items).toHaveLength(1);
  });

  it('cancels the actions of a rejected run', async () => {
    const t = await setup(makeRuntime);
    await seed(t, 3, 0);
    await recordAccounts(t.runtime.db, [1, 2, 3].map((n) => ({ userId: `u${n}`, appId: 'github', status: 'active' as const, role: 'developer' })), { at: t.runtime.now(), actor: 'test' });
    for (const n of [1, 2, 3]) await t.call('PATCH', `/v1/users/u${n}`, { body: { profile: { department: 'Sales' } } });
    const held = await t.call('POST', '/v1/runs');
    const rejected = await t.call('POST', `/v1/runs/${held.body.run.id}/reject`);
    expect(rejected.body.status).toBe('rejected');
    const actions = (await t.call('GET', `/v1/runs/${held.body.run.id}`)).body.actions;
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a: { status: string }) => a.status === 'cancelled')).toBe(true);
  });

  it('refuses a run without an active rule set', async () => {
    const t = await setup(makeRuntime);
    const res = await t.call('POST', '/v1/runs');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('no_active_rule_set');
  });
}

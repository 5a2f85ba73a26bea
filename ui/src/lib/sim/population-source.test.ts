import { describe, expect, it } from 'vitest';
import type { ObservedPage, Roster } from './population-source.ts';
import { mergeObserved, readPopulation } from './population-source.ts';

const page = (over: Partial<ObservedPage>): ObservedPage => ({ accounts: [], memberships: [], appGroups: [], health: {}, ...over });
const roster = (users: Awaited<ReturnType<Roster['users']>>, pages: ObservedPage[]): Roster => ({ users: async () => users, observed: async () => pages });

describe('the simulator reads its population inside the worker', () => {
  it('parses pasted CSV with the declared attribute types, planned against nothing held', async () => {
    const population = await readPopulation({ kind: 'text', text: 'id,level\ne1,3\n', types: { level: 'number' } });
    expect(population).toEqual({ users: [{ id: 'e1', level: 3 }] });
  });

  it('reads a chosen file (a Blob) as JSON, and says what is wrong with a bad one', async () => {
    const file = new Blob([JSON.stringify({ users: [{ id: 'a', department: 'Sales' }] })], { type: 'application/json' });
    expect((await readPopulation({ kind: 'file', file })).users).toEqual([{ id: 'a', department: 'Sales' }]);
    await expect(readPopulation({ kind: 'file', file: new Blob(['[{"id":"a"},{"id":"a"}]']) })).rejects.toThrow('user #2: user id `a` appears twice');
  });

  it('turns identities from the API into the profiles the engine reads, with what the apps hold for them', async () => {
    const rows = [{ id: 'u1', login: 'ada', email: 'ada@example.com', status: 'ACTIVE', profile: { department: 'Engineering' } }];
    const held = page({ accounts: [{ userId: 'u1', appId: 'github', status: 'active' }], memberships: [{ userId: 'u1', groupId: 'engineering' }] });
    expect(await readPopulation({ kind: 'api' }, roster(rows, [held]))).toEqual({
      users: [{ id: 'u1', login: 'ada', email: 'ada@example.com', status: 'ACTIVE', department: 'Engineering' }],
      observed: { accounts: held.accounts, memberships: held.memberships },
    });
  });
});

describe('the observed pages become one observed state', () => {
  it('joins accounts and memberships, gathers each app group once with the members of every page, and keeps the last health', () => {
    const group = { appId: 'github', groupId: 'engineering', name: 'acme-engineering' };
    const first = page({
      accounts: [{ userId: 'a', appId: 'github', status: 'active' }],
      memberships: [{ userId: 'a', groupId: 'engineering' }],
      appGroups: [{ ...group, members: ['a'] }, { appId: 'slack', groupId: 'sales', name: 'sales', members: [] }],
      health: { jira: 'ok' },
    });
    const second = page({
      accounts: [{ userId: 'b', appId: 'jira', status: 'suspended' }],
      memberships: [{ userId: 'b', groupId: 'engineering' }],
      appGroups: [{ ...group, members: ['b', 'c'] }, { appId: 'slack', groupId: 'sales', name: 'sales', members: [] }],
      health: { jira: 'failed' },
    });
    const merged = mergeObserved([first, second]);
    expect(merged.accounts.map((a) => a.userId)).toEqual(['a', 'b']);
    expect(merged.memberships.map((m) => m.userId)).toEqual(['a', 'b']);
    expect(merged.appGroups).toEqual([
      { ...group, members: ['a', 'b', 'c'] },
      { appId: 'slack', groupId: 'sales', name: 'sales', members: [] },
    ]);
    expect(merged.health).toEqual({ jira: 'failed' });
    // The pages are read, never changed.
    expect(first.appGroups[0]!.members).toEqual(['a']);
  });

  it('is nothing held when no page holds anything', () => {
    expect(mergeObserved([page({})])).toEqual({ accounts: [], memberships: [] });
  });
});

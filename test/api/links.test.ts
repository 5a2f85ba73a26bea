// The admin UI's read-only panels: a user's accounts and groups, an app's accounts and imports,
// and the matches from app imports that wait for an admin — over embedded libSQL.
import { describe, expect, it } from 'vitest';
import { importFromApp } from '../../edge/connectors/sync/import.ts';
import type { ReadResult } from '../../edge/connectors/types.ts';
import { addMemberships, createGroup, recordAccounts } from '../../edge/db/repos/index.ts';
import type { ApiContext } from './context.ts';
import { memoryApi } from './memory-api.ts';

const api = memoryApi();

async function world(): Promise<ApiContext> {
  const t = await api();
  const person = (id: string, firstName: string, lastName: string) => ({ id, login: `${firstName}.${lastName}`.toLowerCase(), email: `${firstName}.${lastName}@acme.example`.toLowerCase(), profile: { firstName, lastName } });
  for (const body of [person('e1', 'Marco', 'Rossi'), person('e2', 'Isabella', 'Rossi'), person('e3', 'Ada', 'Lovelace')]) expect((await t.call('POST', '/v1/users', { body })).status).toBe(201);
  // The legacy payroll knows people by last name: two Rossis make a disputed match.
  expect((await t.call('POST', '/v1/apps', { body: { id: 'payroll', name: 'Payroll', connector: 'manual', config: { match: [{ user: 'email', app: 'mail' }, { user: 'lastName', app: 'sn' }] } } })).status).toBe(201);
  expect((await t.call('POST', '/v1/apps', { body: { id: 'github', name: 'GitHub', connector: 'scim', config: { baseUrl: 'https://scim.example', auth: { type: 'bearer', token: 't' } } } })).status).toBe(201);
  const ctx = { at: '2025-01-01T10:00:00.000Z', actor: 'test' };
  await recordAccounts(t.runtime.db, [
    { userId: 'e3', appId: 'github', status: 'active', externalId: 'gh-3', role: 'developer', attributes: { login: 'acme-ada' } },
    { userId: 'e3', appId: 'payroll', status: 'suspended', externalId: 'p-3' },
  ], ctx);
  expect((await createGroup(t.runtime.db, { id: 'engineering', name: 'Engineering', description: null, source: 'rules' }, ctx)).ok).toBe(true);
  await addMemberships(t.runtime.db, [{ userId: 'e3', groupId: 'engineering', source: 'rules' }, { userId: 'e3', groupId: 'oncall', source: 'github' }], ctx);
  const summary = await importFromApp(t.runtime, 'payroll', async (): Promise<ReadResult> => ({
    ok: true,
    requests: 1,
    groups: [],
    accounts: [
      { externalId: 'p-3', attributes: { sn: 'Lovelace' }, active: true },
      { externalId: 'p-77', attributes: { sn: 'Rossi', givenName: 'M.' }, active: true },
      { externalId: 'p-90', attributes: { sn: 'Nobody' }, active: true },
    ],
  }));
  expect(summary.counts).toMatchObject({ linked: 1, disputed: 1, unmatched: 1 });
  return t;
}

describe('api: the admin UI\'s panels', () => {
  it('lists a user\'s accounts with status and the account as last observed, and their groups', async () => {
    const t = await world();
    const accounts = await t.call('GET', '/v1/users/e3/accounts', { token: t.tokens.read });
    expect(accounts.status).toBe(200);
    expect(accounts.body.items.map((a: { appId: string; status: string }) => [a.appId, a.status])).toEqual([['github', 'active'], ['payroll', 'suspended']]);
    expect(accounts.body.items[0]).toMatchObject({ externalId: 'gh-3', role: 'developer', attributes: { login: 'acme-ada' }, observedAt: '2025-01-01T10:00:00.000Z' });
    // The payroll import saw the account again: its observed attributes are the import's; Roster's suspension stands.
    expect(accounts.body.items[1].attributes).toEqual({ sn: 'Lovelace' });
    const groups = await t.call('GET', '/v1/users/e3/groups');
    expect(groups.body.items).toEqual([{ groupId: 'engineering', name: 'Engineering', source: 'rules' }, { groupId: 'oncall', name: null, source: 'github' }]);
    expect((await t.call('GET', '/v1/users/e1/accounts')).body.items).toEqual([]);
    // A rule's group is not in the groups table: its name comes from the active rule set.
    const files = [{ path: 'groups/eu.yaml', text: 'kind: group\nid: eu-staff\nname: EU staff\nwhen: { all: [ { fact: country, operator: in, value: [DE, FR] } ] }\n' }];
    expect((await t.call('POST', '/v1/rule-sets', { body: { files, activate: true } })).status).toBe(201);
    await addMemberships(t.runtime.db, [{ userId: 'e1', groupId: 'eu-staff', source: 'rules' }], { at: '2025-01-02T10:00:00.000Z', actor: 'test' });
    expect((await t.call('GET', '/v1/users/e1/groups')).body.items).toEqual([{ groupId: 'eu-staff', name: 'EU staff', source: 'rules' }]);
    const missing = await t.call('GET', '/v1/users/nobody/groups');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('no user `nobody`');
  });

  it('pages an app\'s accounts and sums its imports by correlation outcome', async () => {
    const t = await world();
    const first = await t.call('GET', '/v1/apps/github/accounts?limit=1');
    expect(first.body.items.map((a: { userId: string }) => a.userId)).toEqual(['e3']);
    expect(first.body.next).toBeUndefined();
    expect((await t.call('GET', '/v1/apps/github/accounts?status=suspended')).body.items).toEqual([]);
    const imports = await t.call('GET', '/v1/apps/payroll/imports');
    expect(imports.body.items).toHaveLength(1);
    expect(imports.body.items[0]).toMatchObject({ status: 'done', total: 3, situations: { linked: 1, unlinked: 0, unmatched: 1, deleted: 0, disputed: 1 }, pending: 1 });
    expect((await t.call('GET', '/v1/apps/github/imports')).body.items).toEqual([]);
    expect((await t.call('GET', '/v1/apps/nope/accounts')).status).toBe(404);
    expect((await t.call('GET', '/v1/apps/github/accounts?cursor=%25%25')).status).toBe(400);
  });

  it('names the candidates of a disputed match; confirming one links the account and clears it', async () => {
    const t = await world();
    const pending = await t.call('GET', '/v1/connectors/import-items?situation=disputed', { token: t.tokens.read });
    expect(pending.status).toBe(200);
    expect(pending.body.items).toHaveLength(1);
    const item = pending.body.items[0];
    expect(item).toMatchObject({ appId: 'payroll', externalId: 'p-77', matchedBy: 'lastName = sn', account: { attributes: { sn: 'Rossi', givenName: 'M.' } } });
    expect(item.candidates).toEqual([
      { id: 'e1', login: 'marco.rossi', email: 'marco.rossi@acme.example', name: 'Marco Rossi', status: 'ACTIVE' },
      { id: 'e2', login: 'isabella.rossi', email: 'isabella.rossi@acme.example', name: 'Isabella Rossi', status: 'ACTIVE' },
    ]);
    // A read token may look but not decide.
    expect((await t.call('POST', `/v1/connectors/import-items/${encodeURIComponent(item.id)}/confirm`, { token: t.tokens.read, body: { userId: 'e1' } })).status).toBe(403);
    const confirmed = await t.call('POST', `/v1/connectors/import-items/${encodeURIComponent(item.id)}/confirm`, { body: { userId: 'e1' } });
    expect(confirmed.body).toEqual({ userId: 'e1' });
    expect((await t.call('GET', '/v1/connectors/import-items')).body.items).toEqual([]);
    expect((await t.call('GET', '/v1/users/e1/accounts')).body.items.map((a: { appId: string; externalId: string }) => [a.appId, a.externalId])).toEqual([['payroll', 'p-77']]);
    expect((await t.call('GET', '/v1/connectors/import-items', { token: null })).status).toBe(401);
  });

  it('describes the new routes in the OpenAPI document', async () => {
    const t = await world();
    const doc = (await t.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    for (const path of ['/v1/users/{id}/accounts', '/v1/users/{id}/groups', '/v1/apps/{id}/accounts', '/v1/apps/{id}/imports', '/v1/connectors/import-items']) expect(doc.paths[path]?.get, path).toBeDefined();
  });
});

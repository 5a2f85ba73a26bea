// `POST /v1/login/delegated`: a login checked by the directory (an LDAP bind through the agent).
// On success an identity unknown to Roster is created just in time from the directory entry,
// the rules are evaluated for it and its actions queued; on failure nothing is written and the
// answer is the same whether the user exists or not. The login waits for the agent in the
// database (logins.ts), so the request and the agent's poll need not share a process.
import type { Db, WriteContext } from '../../db/index.ts';
import { createIdentity, getIdentityByLogin } from '../../db/repos/identities.ts';
import { LDAP_SOURCE } from '../../import/merge.ts';
import { activeRules } from '../../jit/active-rules.ts';
import { planIdentities } from '../../jit/plan-users.ts';
import { requestLogin } from './logins.ts';

export type DelegatedOutcome =
  | { ok: true; value: { userId: string; login: string; created: boolean; actions: number; runId?: string } }
  | { ok: false; status: 401 | 503; code: 'invalid_credentials' | 'unavailable'; message: string };

export const INVALID = { ok: false, status: 401, code: 'invalid_credentials', message: 'invalid username or password' } as const;

export interface DelegatedOptions {
  newId(): string;
  now(): string;
  /** Seals the password while it waits in the database for the agent. */
  sealKey: CryptoKey;
  timeoutMs?: number;
}

export async function delegatedLogin(db: Db, input: { app: string; username: string; password: string }, options: DelegatedOptions, ctx: WriteContext): Promise<DelegatedOutcome> {
  if (input.username === '' || input.password === '') return INVALID;
  const answer = await requestLogin(db, { appId: input.app, id: options.newId(), username: input.username, password: input.password }, { sealKey: options.sealKey, now: options.now, timeoutMs: options.timeoutMs ?? 10_000 });
  if (!answer) return { ok: false, status: 503, code: 'unavailable', message: `no directory agent for app \`${input.app}\` answered` };
  if (!answer.ok) return answer.error ? { ok: false, status: 503, code: 'unavailable', message: 'the directory could not check the login' } : INVALID;
  const rules = await activeRules(db);
  let identity = await getIdentityByLogin(db, input.username);
  let created = false;
  if (!identity) {
    const profile = Object.fromEntries(Object.entries(answer.entry ?? {}).filter(([k]) => k !== 'login' && k !== 'id'));
    const email = typeof profile.email === 'string' ? profile.email : typeof profile.mail === 'string' ? profile.mail : null;
    const made = await createIdentity(db, { id: options.newId(), login: input.username, email, status: 'ACTIVE', profile, sources: Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, { [LDAP_SOURCE]: v }])) }, ctx);
    if (made.ok) {
      identity = made.value;
      created = true;
    } else identity = await getIdentityByLogin(db, input.username);
  }
  if (!identity) return { ok: false, status: 503, code: 'unavailable', message: 'the identity changed during login; try again' };
  if (!rules) return { ok: true, value: { userId: identity.id, login: identity.login, created, actions: 0 } };
  const planned = await planIdentities(db, rules.ruleSet, [identity], { kind: 'jit', runId: options.newId(), ruleSetVersion: rules.version }, ctx);
  return { ok: true, value: { userId: identity.id, login: identity.login, created, actions: planned.queued, ...(planned.runId ? { runId: planned.runId } : {}) } };
}

// JIT at login: a verified ID token creates or updates its identity (attributes sourced as
// `jit`, below HR), the rules are evaluated for that user, the actions are queued (run kind
// `jit`), and the answer is what the user is entitled to. Every refusal writes nothing.
import { effectiveAttributes, emptyProfile, mergeProfile, sameValue } from '../../engine/lifecycle/attribute-sources.ts';
import type { AttributeSources } from '../../engine/lifecycle/attribute-sources.ts';
import { jitSettingsSchema } from '../../engine/rules/jit-settings.ts';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';
import type { RuleSet, UserStatus } from '../../engine/types.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { createIdentity, getIdentity, getIdentityByLogin, updateIdentity } from '../db/repos/identities.ts';
import type { Identity } from '../db/repos/identities.ts';
import { DEFAULT_ATTRIBUTE_SOURCES, storedSources } from '../import/merge.ts';
import { activeRules } from './active-rules.ts';
import { readClaims } from './claims.ts';
import { planIdentities } from './plan-users.ts';
import { verifyIdToken } from './verify.ts';

export const JIT_SOURCE = 'jit';

export interface Entitlements {
  userId: string;
  login: string;
  status: UserStatus;
  created: boolean;
  accounts: { app: string; role?: string }[];
  groups: string[];
  /** The run holding the actions this login queued, when there were any. */
  runId?: string;
  actions: number;
}

/** Process-wide counters for benchmarks and metrics: logins served and time spent in the engine. */
export const jitCounters = { logins: 0, engineMs: 0 };

export type JitOutcome =
  | { ok: true; value: Entitlements; engineMs: number }
  | { ok: false; status: 401 | 503; code: 'invalid_id_token' | 'unavailable'; reason: string };

export interface JitOptions {
  /** Issuers trusted besides the active rules' `settings.jit.issuers` (e.g. from the environment). */
  issuers?: readonly JitIssuer[];
  sources?: AttributeSources;
  newId(): string;
}

export async function jitLogin(db: Db, idToken: string, options: JitOptions, ctx: WriteContext): Promise<JitOutcome> {
  const rules = await activeRules(db);
  if (!rules) return { ok: false, status: 503, code: 'unavailable', reason: 'no rule set is active' };
  const issuers = [...issuersOf(rules.ruleSet), ...(options.issuers ?? [])];
  const verified = await verifyIdToken(idToken, issuers, new Date(ctx.at));
  if (!verified.ok) return { ok: false, status: verified.status, code: verified.status === 401 ? 'invalid_id_token' : 'unavailable', reason: verified.reason };

  const read = readClaims(verified.claims, verified.issuer, rules.ruleSet.settings.attributes ?? {});
  if (!read.ok) return { ok: false, status: 401, code: 'invalid_id_token', reason: read.reason };
  const { id: givenId, login, attributes } = read;

  const identity = await upsertFromClaims(db, { id: givenId, login, attributes }, options, ctx);
  if (!identity.ok) return { ok: false, status: 401, code: 'invalid_id_token', reason: identity.reason };
  const planned = await planIdentities(db, rules.ruleSet, [identity.row], { kind: 'jit', runId: options.newId(), ruleSetVersion: rules.version }, ctx);
  const desired = planned.desired[0];
  jitCounters.logins++;
  jitCounters.engineMs += planned.engineMs;
  return {
    ok: true,
    engineMs: planned.engineMs,
    value: {
      userId: identity.row.id,
      login: identity.row.login,
      status: desired?.status ?? (identity.row.status as UserStatus),
      created: identity.created,
      accounts: (desired?.accounts ?? []).map((a) => (a.role === undefined ? { app: a.appId } : { app: a.appId, role: a.role })),
      groups: (desired?.groups ?? []).map((g) => g.groupId),
      ...(planned.runId ? { runId: planned.runId } : {}),
      actions: planned.plan.actions.length,
    },
  };
}

const ruleIssuers = new WeakMap<RuleSet, readonly JitIssuer[]>();

/** The issuers a rule set's `settings.jit` trusts, read once per compiled rule set. */
function issuersOf(ruleSet: RuleSet): readonly JitIssuer[] {
  let issuers = ruleIssuers.get(ruleSet);
  if (!issuers) {
    const parsed = jitSettingsSchema.safeParse(ruleSet.settings.jit);
    issuers = parsed.success ? parsed.data.issuers : [];
    ruleIssuers.set(ruleSet, issuers);
  }
  return issuers;
}

type Upserted = { ok: true; row: Identity; created: boolean } | { ok: false; reason: string };

/** Finds the identity (by id claim, else login), merges the claims, writes only a change. Retries a lost race once. */
async function upsertFromClaims(db: Db, input: { id?: string; login: string; attributes: Record<string, unknown> }, options: JitOptions, ctx: WriteContext, attempt = 1): Promise<Upserted> {
  const sources = options.sources ?? DEFAULT_ATTRIBUTE_SOURCES;
  const current = input.id !== undefined ? await getIdentity(db, input.id) : await getIdentityByLogin(db, input.login);
  const before = current ? storedSources(current, sources) : emptyProfile();
  const merged = mergeProfile(before, JIT_SOURCE, input.attributes, sources, 'incremental').profile;
  const profile = effectiveAttributes(merged);
  const email = typeof profile.email === 'string' ? profile.email : (current?.email ?? null);
  const retry = () => (attempt < 3 ? upsertFromClaims(db, input, options, ctx, attempt + 1) : Promise.resolve<Upserted>({ ok: false, reason: 'the identity changed during login; try again' }));
  if (!current) {
    // One identity per person: `Ada` is not made beside `ada`, as the admin API and SCIM refuse it too.
    const created = await createIdentity(db, { id: input.id ?? options.newId(), login: input.login, email, status: 'ACTIVE', profile, sources: merged.values }, ctx, { login: 'ignore-case' });
    if (created.ok) return { ok: true, row: created.value, created: true };
    if (created.code === 'duplicate_login' && input.id !== undefined) return { ok: false, reason: `login \`${input.login}\` belongs to another identity` };
    // Taken in this very case: another login made it meanwhile, and the next attempt finds it.
    if (created.code === 'duplicate_login' && !(await getIdentityByLogin(db, input.login))) return { ok: false, reason: created.message };
    return retry();
  }
  if (current.email === email && sameValue(current.profile, profile) && sameValue(current.sources, merged.values)) return { ok: true, row: current, created: false };
  const updated = await updateIdentity(db, current.id, current.version, { email, profile, sources: merged.values }, ctx);
  if (updated.ok) return { ok: true, row: updated.value, created: false };
  return retry();
}

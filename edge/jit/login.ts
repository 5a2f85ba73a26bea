// JIT at login: a verified ID token creates or updates its identity (attributes sourced as
// `jit`, below HR), the rules are evaluated for that user, the actions are queued (run kind
// `jit`), and the answer is what the user is entitled to. Every refusal writes nothing.
import type { AttributeSources } from '../../engine/lifecycle/attribute-sources.ts';
import { jitSettingsSchema } from '../../engine/rules/jit-settings.ts';
import type { JitIssuer } from '../../engine/rules/jit-settings.ts';
import type { RuleSet, UserStatus } from '../../engine/types.ts';
import type { Db, WriteContext } from '../db/index.ts';
import { activeRules } from './active-rules.ts';
import { readClaims } from './claims.ts';
import { planIdentities } from './plan-users.ts';
import { upsertFromClaims } from './upsert.ts';
import type { Refusal } from './upsert.ts';
import { verifyIdToken } from './verify.ts';

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
  | Refusal
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

  // `sub` is required by verifyIdToken; the IdP account (iss, sub) is what a binding holds.
  const account = { issuer: verified.issuer.issuer, subject: String(verified.claims.sub) };
  const identity = await upsertFromClaims(db, { ...account, ...(givenId === undefined ? {} : { id: givenId }), login, attributes }, options, ctx);
  if (!identity.ok) return identity;
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

// Overrides in the plan: deny > allow > rules. A deny takes the app away whatever the rules
// say; an allow grants it (with its role) even when no rule does. Expired ones are gone.
import { ruleReason } from '../actions/reasons.ts';
import { overrideActive } from '../lifecycle/overrides.ts';
import type { DesiredAccount, DesiredUser, Diagnostic, EvalContext, Json, Override, Reason, RuleSet, User } from '../types.ts';

/** A desired account as planned: from the rules, or granted by an override. */
export interface PlannedAccount extends DesiredAccount {
  override?: Override;
}

export interface OverriddenAccounts {
  accounts: PlannedAccount[];
  /** Apps an active deny takes away, with the override. */
  denied: ReadonlyMap<string, Override>;
}

/** Every override of every user, rule files' first; ids unique (a later duplicate is dropped). */
export function overridesByUser(ruleSet: RuleSet, extra: readonly Override[] | undefined, diagnostics: Diagnostic[]): Map<string, Override[]> {
  const byUser = new Map<string, Override[]>();
  const seen = new Set<string>();
  for (const override of [...(ruleSet.overrides ?? []), ...(extra ?? [])]) {
    if (seen.has(override.id)) {
      diagnostics.push({ code: 'override.duplicate-id', severity: 'warning', message: `override \`${override.id}\` is defined more than once: the first applies` });
      continue;
    }
    seen.add(override.id);
    const list = byUser.get(override.userId) ?? [];
    list.push(override);
    byUser.set(override.userId, list);
  }
  return byUser;
}

/** The user's desired accounts after their active overrides. */
export function applyOverrides(ruleSet: RuleSet, user: DesiredUser, overrides: readonly Override[], ctx: EvalContext, diagnostics: Diagnostic[]): OverriddenAccounts {
  // Most users have no override: nothing to build.
  if (overrides.length === 0) return { accounts: user.accounts, denied: NONE_DENIED };
  const denied = new Map<string, Override>();
  const allowed = new Map<string, Override>();
  const active = overrides.filter((o) => overrideActive(o, ctx)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const override of active) {
    if (!ruleSet.apps[override.appId]) {
      diagnostics.push({ code: 'override.unknown-app', severity: 'warning', message: `override \`${override.id}\` names unknown app \`${override.appId}\`: ignored` });
      continue;
    }
    if (override.effect === 'deny' && !denied.has(override.appId)) denied.set(override.appId, override);
    if (override.effect === 'allow' && !allowed.has(override.appId)) allowed.set(override.appId, override);
  }
  if (denied.size === 0 && allowed.size === 0) return { accounts: user.accounts, denied };

  const accounts: PlannedAccount[] = [];
  for (const account of user.accounts) {
    if (denied.has(account.appId)) continue;
    const allow = allowed.get(account.appId);
    if (!allow) accounts.push(account);
    else accounts.push({ ...account, ...(allow.role === undefined ? {} : { role: allow.role }), override: allow });
    allowed.delete(account.appId);
  }
  for (const [appId, allow] of allowed) {
    if (denied.has(appId)) continue;
    accounts.push(grantedAccount(ruleSet, user, appId, allow, ctx, diagnostics));
  }
  accounts.sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  return { accounts, denied };
}

const NONE_DENIED: ReadonlyMap<string, Override> = new Map();

/** An account no rule grants: the app's own mappings over the profile the user was evaluated from. */
function grantedAccount(ruleSet: RuleSet, user: DesiredUser, appId: string, allow: Override, ctx: EvalContext, diagnostics: Diagnostic[]): PlannedAccount {
  const app = ruleSet.apps[appId]!;
  const attributes: Record<string, Json> = {};
  const createOnly: string[] = [];
  if (!user.profile) {
    diagnostics.push({ code: 'override.no-profile', severity: 'warning', message: `override \`${allow.id}\`: no profile for user \`${user.userId}\`, so the \`${appId}\` account gets no mapped attributes` });
  } else {
    const view: User = { ...user.profile, groups: user.groups.map((g) => g.groupId) };
    for (const mapping of app.mappings) {
      const result = mapping.evaluate(view, app.source, ctx);
      if (result.ok) {
        attributes[mapping.name] = result.value;
        if (mapping.createOnly) createOnly.push(mapping.name);
      } else {
        diagnostics.push({ code: 'expression-failed', severity: 'error', message: `attribute \`${mapping.name}\` of app \`${appId}\` for user \`${user.userId}\` left out: ${result.error}`, file: app.file, line: app.line, ruleId: app.id });
      }
    }
  }
  createOnly.sort();
  return { appId, ...(allow.role === undefined ? {} : { role: allow.role }), attributes, createOnly, because: [], override: allow };
}

/** The reason of an action on an account the plan keeps, naming the override when one decided. */
export function accountReason(summary: string, account: PlannedAccount, version: string, matched = true): Reason {
  const reason = ruleReason(account.override && account.because.length === 0 ? overrideWords(account.override) : summary, account.because, version, matched);
  if (!account.override) return reason;
  if (account.because.length > 0) reason.summary = `${summary}; ${overrideWords(account.override)}`;
  return { ...reason, override: overrideRef(account.override) };
}

export function overrideRef(override: Override): NonNullable<Reason['override']> {
  return { id: override.id, effect: override.effect, reason: override.reason, ...(override.expiresAt === undefined ? {} : { expiresAt: override.expiresAt }) };
}

export function overrideWords(override: Override): string {
  const role = override.role === undefined ? '' : ` as \`${override.role}\``;
  const until = override.expiresAt === undefined ? '' : ` until \`${override.expiresAt}\``;
  return `override \`${override.id}\` ${override.effect === 'deny' ? 'denies' : 'allows'} \`${override.appId}\`${role}${until}: ${override.reason}`;
}

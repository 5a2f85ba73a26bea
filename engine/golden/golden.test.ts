// Golden tests: each folder holds rules (rules.yaml), users.json, optionally observed.json and
// case.json ({asOf, actions, options?, refused?, held?, notBefore?}); the plan must equal
// expected-plan.json byte for byte. `options` is passed to `plan` (overrides, safety).
// `case.json`'s `actions` ("type subject target" lines) is written by hand, independently of
// the golden, so a regenerated golden that encodes a bug still fails.
// Regenerate with: UPDATE_GOLDEN=1 npx vitest run engine/golden
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../compile.ts';
import { makeContext } from '../context.ts';
import { evaluate } from '../evaluate.ts';
import { planPasswordChange, policyForUser } from '../lifecycle/password-sync.ts';
import { plan } from '../plan.ts';
import type { Action, ObservedState, PlanOptions, User } from '../types.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'rules.yaml')))
  .map((entry) => entry.name)
  .sort();

interface CaseFile {
  description: string;
  asOf?: string;
  actions: string[];
  options?: PlanOptions;
  /** Refused actions, as lines like `actions`. */
  refused?: string[];
  held?: boolean;
  /** `notBefore` of each action that has one, by line, worked out by hand. */
  notBefore?: Record<string, string>;
  /** Plan this password change (sealed by the edge) instead of a reconciliation. */
  passwordChange?: { userId: string; sealed: string; changedAt: string };
  /** The password policy each user gets (`null`: none), worked out by hand. */
  passwordPolicies?: Record<string, string | null>;
}

const readJson = <T>(dir: string, name: string, fallback?: T): T =>
  existsSync(join(dir, name)) ? (JSON.parse(readFileSync(join(dir, name), 'utf8')) as T) : (fallback as T);

const line = (action: Action): string => `${action.type} ${action.userId ?? action.groupId} ${action.appId ?? action.groupId}`;

function runCase(dir: string): { text: string; lines: string[]; errors: string[]; refused: string[]; held: boolean; notBefore: Record<string, string>; policies: Record<string, string | null> } {
  const spec = readJson<CaseFile>(dir, 'case.json');
  const { ruleSet, diagnostics } = compileRules([{ path: 'rules.yaml', text: readFileSync(join(dir, 'rules.yaml'), 'utf8') }]);
  const ctx = makeContext(spec.asOf ?? '2025-03-01T00:00:00Z');
  const users = readJson<User[]>(dir, 'users.json');
  const observed = readJson<ObservedState>(dir, 'observed.json', { accounts: [], memberships: [] });
  const desired = evaluate(ruleSet, users, ctx, { appGroups: observed.appGroups ?? [] });
  const change = spec.passwordChange;
  const changer = change && desired.find((d) => d.userId === change.userId);
  const result = change && changer ? planPasswordChange(ruleSet, changer, observed, change, ctx) : plan(ruleSet, desired, observed, ctx, spec.options ?? {});
  const policies = Object.fromEntries(desired.map((d) => [d.userId, policyForUser(ruleSet, d, ctx)?.id ?? null]));
  return {
    policies: spec.passwordPolicies ? policies : {},
    text: `${JSON.stringify(result, null, 2)}\n`,
    lines: result.actions.map(line),
    refused: (result.refused ?? []).map((r) => line(r.action)),
    held: result.held ?? false,
    notBefore: Object.fromEntries(result.actions.filter((a) => a.notBefore !== undefined).map((a) => [line(a), a.notBefore as string])),
    errors: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`),
  };
}

describe('golden plans', () => {
  it('has the cases the engine promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(here, name);
      const { text, lines, errors, refused, held, notBefore, policies } = runCase(dir);
      const spec = readJson<CaseFile>(dir, 'case.json');
      expect(errors, 'golden rules must compile cleanly').toEqual([]);
      expect(lines, 'actions differ from the hand-written list in case.json').toEqual(spec.actions);
      expect(refused, 'refused actions differ from case.json').toEqual(spec.refused ?? []);
      expect(held, 'held differs from case.json').toBe(spec.held ?? false);
      expect(notBefore, 'notBefore differs from case.json').toEqual(spec.notBefore ?? {});
      expect(policies, 'password policies differ from case.json').toEqual(spec.passwordPolicies ?? {});
      const goldenPath = join(dir, 'expected-plan.json');
      if (update) writeFileSync(goldenPath, text);
      expect(existsSync(goldenPath), 'no expected-plan.json: run with UPDATE_GOLDEN=1 and read it').toBe(true);
      expect(text).toBe(readFileSync(goldenPath, 'utf8'));
      // Same input, byte-identical output.
      expect(runCase(dir).text).toBe(text);
    });
  }
});

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
import { effectiveAttributes, emptyProfile, mergeProfile } from '../lifecycle/attribute-sources.ts';
import type { AttributeSources, ImportMode, SourcedProfile } from '../lifecycle/attribute-sources.ts';
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
  /** With imports.json: which source each user's attribute came from, worked out by hand. */
  sources?: Record<string, Record<string, string>>;
}

/** Profiles built by successive imports (mergeProfile) instead of users.json. */
interface ImportsFile {
  sources: AttributeSources;
  imports: { source: string; mode?: ImportMode; records: Record<string, Record<string, unknown>> }[];
}

function importProfiles(file: ImportsFile): { users: User[]; trace: Record<string, unknown> } {
  const profiles = new Map<string, SourcedProfile>();
  const changes = new Map<string, string[]>();
  for (const step of file.imports) {
    for (const [userId, record] of Object.entries(step.records)) {
      const merged = mergeProfile(profiles.get(userId) ?? emptyProfile(), step.source, record, file.sources, step.mode ?? 'full');
      profiles.set(userId, merged.profile);
      changes.set(userId, [...(changes.get(userId) ?? []), ...merged.changes.map((c) => `${step.source}: ${c.summary}`)]);
    }
  }
  const ids = [...profiles.keys()].sort();
  return {
    users: ids.map((id) => ({ ...effectiveAttributes(profiles.get(id)!), id })),
    trace: Object.fromEntries(ids.map((id) => [id, { effective: profiles.get(id)!.effective, changes: changes.get(id) }])),
  };
}

const readJson = <T>(dir: string, name: string, fallback?: T): T =>
  existsSync(join(dir, name)) ? (JSON.parse(readFileSync(join(dir, name), 'utf8')) as T) : (fallback as T);

const line = (action: Action): string => `${action.type} ${action.userId ?? action.groupId} ${action.appId ?? action.groupId}`;

interface CaseRun {
  text: string;
  lines: string[];
  errors: string[];
  refused: string[];
  held: boolean;
  notBefore: Record<string, string>;
  policies: Record<string, string | null>;
  /** With imports.json: the merged profiles, each value with its source, and every change. */
  profiles?: { text: string; sources: Record<string, Record<string, string>> };
}

function runCase(dir: string): CaseRun {
  const spec = readJson<CaseFile>(dir, 'case.json');
  const { ruleSet, diagnostics } = compileRules([{ path: 'rules.yaml', text: readFileSync(join(dir, 'rules.yaml'), 'utf8') }]);
  const ctx = makeContext(spec.asOf ?? '2025-03-01T00:00:00Z');
  const imported = existsSync(join(dir, 'imports.json')) ? importProfiles(readJson<ImportsFile>(dir, 'imports.json')) : undefined;
  const users = imported?.users ?? readJson<User[]>(dir, 'users.json');
  const observed = readJson<ObservedState>(dir, 'observed.json', { accounts: [], memberships: [] });
  const desired = evaluate(ruleSet, users, ctx, { appGroups: observed.appGroups ?? [] });
  const change = spec.passwordChange;
  const changer = change && desired.find((d) => d.userId === change.userId);
  const result = change && changer ? planPasswordChange(ruleSet, changer, observed, change, ctx) : plan(ruleSet, desired, observed, ctx, spec.options ?? {});
  const policies = Object.fromEntries(desired.map((d) => [d.userId, policyForUser(ruleSet, d, ctx)?.id ?? null]));
  return {
    policies: spec.passwordPolicies ? policies : {},
    ...(imported
      ? {
          profiles: {
            text: `${JSON.stringify(imported.trace, null, 2)}\n`,
            sources: Object.fromEntries(Object.entries(imported.trace).map(([id, t]) => [id, Object.fromEntries(Object.entries((t as { effective: SourcedProfile['effective'] }).effective).map(([k, v]) => [k, v.source]))])),
          },
        }
      : {}),
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
      const { text, lines, errors, refused, held, notBefore, policies, profiles } = runCase(dir);
      const spec = readJson<CaseFile>(dir, 'case.json');
      expect(errors, 'golden rules must compile cleanly').toEqual([]);
      expect(lines, 'actions differ from the hand-written list in case.json').toEqual(spec.actions);
      expect(refused, 'refused actions differ from case.json').toEqual(spec.refused ?? []);
      expect(held, 'held differs from case.json').toBe(spec.held ?? false);
      expect(notBefore, 'notBefore differs from case.json').toEqual(spec.notBefore ?? {});
      expect(policies, 'password policies differ from case.json').toEqual(spec.passwordPolicies ?? {});
      if (profiles) {
        expect(profiles.sources, 'attribute sources differ from case.json').toEqual(spec.sources);
        const profilesPath = join(dir, 'expected-profiles.json');
        if (update) writeFileSync(profilesPath, profiles.text);
        expect(profiles.text).toBe(readFileSync(profilesPath, 'utf8'));
      }
      const goldenPath = join(dir, 'expected-plan.json');
      if (update) writeFileSync(goldenPath, text);
      expect(existsSync(goldenPath), 'no expected-plan.json: run with UPDATE_GOLDEN=1 and read it').toBe(true);
      expect(text).toBe(readFileSync(goldenPath, 'utf8'));
      // Same input, byte-identical output.
      expect(runCase(dir).text).toBe(text);
    });
  }
});

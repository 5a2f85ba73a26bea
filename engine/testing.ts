// Rule tests (`*.test.yaml`), as `opa test` is for policies: given users, observed state and
// an `asOf`, the rules must plan the expected actions. Pure: files in, results out. A broken
// test file is a failing result naming file and line, never a thrown error.
import { LineCounter, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node } from 'yaml';
import { makeContext } from './context.ts';
import { evaluate } from './evaluate.ts';
import { planPasswordChange, policyForUser } from './lifecycle/password-sync.ts';
import { plan } from './plan.ts';
import type { Action, DesiredUser, ObservedState, Plan, RuleSet, SourceFile, User } from './types.ts';
import { closest, describeAction, differences, flow, pairActions } from './testing-match.ts';
import type { Expected } from './testing-match.ts';
import { ruleTestSchema } from './testing-schema.ts';
import { withoutUnions } from './compile/issues.ts';
import type { RuleTest } from './testing-schema.ts';

export { ruleTestSchema };
export type { RuleTest };

/** Rule tests without `asOf` run at this fixed instant, so a test gives the same answer every day. */
export const DEFAULT_TEST_AS_OF = '2026-01-01T00:00:00Z';

export interface RuleTestResult {
  file: string;
  line: number;
  name: string;
  passed: boolean;
  /** One entry per problem; an entry may span lines (expected, closest actual, diff). */
  failures: string[];
}

export interface RuleTestReport {
  results: RuleTestResult[];
}

/** Runs every test in `testFiles` against `ruleSet`. */
export function runRuleTests(ruleSet: RuleSet, testFiles: SourceFile[], options: { defaultAsOf?: string } = {}): RuleTestReport {
  const results: RuleTestResult[] = [];
  for (const file of testFiles) {
    for (const test of parseTestFile(file)) {
      results.push(test.ok ? runOne(ruleSet, test.test, file.path, test.line, options.defaultAsOf ?? DEFAULT_TEST_AS_OF) : test.result);
    }
  }
  return { results };
}

type ParsedTest = { ok: true; test: RuleTest; line: number } | { ok: false; result: RuleTestResult };

/** A file holds one test, a YAML list of tests, or several `---` documents of either. */
export function parseTestFile(file: SourceFile): ParsedTest[] {
  const counter = new LineCounter();
  const docs = parseAllDocuments(file.text, { lineCounter: counter, prettyErrors: false });
  const lineOf = (node: unknown): number => (isNode(node) && node.range ? counter.linePos(node.range[0]).line : 1);
  const broken = (line: number, message: string, name = '(unparsed test)'): ParsedTest => ({ ok: false, result: { file: file.path, line, name, passed: false, failures: [`${file.path}:${line}: ${message}`] } });
  if (!Array.isArray(docs)) return [broken(1, 'test file is empty')];
  const parsed: ParsedTest[] = [];
  for (const doc of docs) {
    const syntax = doc.errors[0];
    if (syntax) {
      parsed.push(broken(counter.linePos(syntax.pos[0]).line, `malformed yaml: ${firstLine(syntax.message)}`));
      continue;
    }
    if (doc.contents === null) continue;
    const items: { node: unknown; path: number[] }[] = isSeq(doc.contents) ? doc.contents.items.map((node, i) => ({ node, path: [i] })) : [{ node: doc.contents, path: [] }];
    for (const { node, path } of items) {
      const line = lineOf(node);
      if (!isMap(node)) {
        parsed.push(broken(line, 'a rule test must be a mapping with `name`, `users` and `expect`'));
        continue;
      }
      // Through the document, so an alias (`*ada`) may reuse a user anchored in an earlier test; bounded against alias bombs.
      const value: unknown = aliasSafe(() => node.toJS(doc, { maxAliasCount: 1000 }) as unknown);
      if (value === ALIAS_ERROR) {
        parsed.push(broken(line, 'a yaml alias in this test is unknown or expands too far'));
        continue;
      }
      const name = typeof (value as { name?: unknown }).name === 'string' ? (value as { name: string }).name : '(unnamed test)';
      const check = ruleTestSchema.safeParse(value);
      if (check.success) {
        parsed.push({ ok: true, test: check.data, line });
        continue;
      }
      const issue = withoutUnions(check.error.issues, value)[0];
      const where = issue && issue.path.length > 0 ? ` at \`${issue.path.join('.')}\`` : '';
      const at = issue ? issueLine(doc, [...path, ...issue.path], lineOf) : undefined;
      parsed.push(broken(at ?? line, `invalid rule test${where}: ${lowerFirst(issue?.message ?? 'does not match the test format')}`, name));
    }
  }
  if (parsed.length === 0) return [broken(1, 'test file holds no tests')];
  return parsed;
}

function runOne(ruleSet: RuleSet, test: RuleTest, file: string, line: number, defaultAsOf: string): RuleTestResult {
  const result: RuleTestResult = { file, line, name: test.name, passed: false, failures: [] };
  let outcome: Plan;
  let desired: DesiredUser[];
  let actual: Action[];
  const ctx = makeContext(test.asOf ?? defaultAsOf);
  try {
    const observed = (test.observed ?? { accounts: [], memberships: [] }) as ObservedState;
    desired = evaluate(ruleSet, test.users as User[], ctx, observed.appGroups ? { appGroups: observed.appGroups } : {});
    outcome = plan(ruleSet, desired, observed, ctx, test.overrides ? { overrides: test.overrides } : {});
    actual = outcome.actions;
    const change = test.passwordChange;
    if (change) {
      const user = desired.find((d) => d.userId === change.userId);
      if (!user) result.failures.push(`\`passwordChange\` names user \`${change.userId}\`, who is not among the test's users`);
      else actual = [...actual, ...planPasswordChange(ruleSet, user, observed, change, ctx).actions];
    }
  } catch (error) {
    result.failures.push(`${file}:${line}: the engine failed on this test: ${error instanceof Error ? error.message : String(error)}`);
    return result;
  }
  const expected = test.expect.actions as Expected[];
  const pairOf = pairActions(expected, actual);
  pairOf.forEach((a, e) => {
    if (a !== -1) return;
    const want = expected[e] as Expected;
    const near = closest(want, actual);
    const lines = [`expected action not found: ${flow(want)}`];
    if (near) lines.push(`  closest actual: ${describeAction(near.action)}`, ...near.diff.map((d) => `    ${d}`));
    result.failures.push(lines.join('\n'));
  });
  for (const unwanted of test.expect.absent as Expected[]) {
    for (const action of actual) {
      if (differences(unwanted, action).length === 0) result.failures.push(`unexpected action (listed under \`absent\`): ${describeAction(action)}`);
    }
  }
  if (test.expect.exhaustive) {
    const used = new Set(pairOf);
    actual.forEach((action, i) => {
      if (!used.has(i)) result.failures.push(`unexpected action (expect is exhaustive): ${describeAction(action)}`);
    });
  }
  result.failures.push(...safetyFailures(test, outcome), ...policyFailures(ruleSet, test, desired, ctx));
  result.passed = result.failures.length === 0;
  // Everything the rules did, once, under the last failure: the context to read a diff in.
  if (!result.passed) result.failures.push(actualListing(actual, outcome).join('\n'));
  return result;
}

/** `held`, `holds` and `refused`: what the safety gates decided. */
function safetyFailures(test: RuleTest, outcome: Plan): string[] {
  const failures: string[] = [];
  const held = outcome.held ?? false;
  if (test.expect.held !== undefined && test.expect.held !== held) {
    failures.push(held ? `expected the plan not to be held, but it is: ${holdReasons(outcome).join('; ')}` : 'expected the plan to be held for approval, but no safety threshold was crossed');
  }
  for (const want of test.expect.holds ?? []) {
    if (!(outcome.holds ?? []).some((hold) => differences(want, hold).length === 0)) {
      failures.push(`expected hold not found: ${flow(want)} (holds: ${outcome.holds?.length ? outcome.holds.map(flow).join('; ') : 'none'})`);
    }
  }
  const refused = (outcome.refused ?? []).map((r) => r.action);
  (test.expect.refused ?? []).forEach((want) => {
    if (!refused.some((action) => differences(want, action).length === 0)) failures.push(`expected refused action not found: ${flow(want)} (refused: ${refused.length === 0 ? 'none' : refused.map(describeAction).join('; ')})`);
  });
  return failures;
}

/** `passwordPolicy`: which policy each named user gets. */
function policyFailures(ruleSet: RuleSet, test: RuleTest, desired: readonly DesiredUser[], ctx: ReturnType<typeof makeContext>): string[] {
  const failures: string[] = [];
  for (const [userId, want] of Object.entries(test.expect.passwordPolicy ?? {})) {
    const user = desired.find((d) => d.userId === userId);
    if (!user) {
      failures.push(`\`passwordPolicy\` names user \`${userId}\`, who is not among the test's users`);
      continue;
    }
    const got = policyForUser(ruleSet, user, ctx)?.id ?? null;
    if (got !== want) failures.push(`password policy of \`${userId}\`: expected ${want === null ? 'none' : `\`${want}\``}, got ${got === null ? 'none' : `\`${got}\``}`);
  }
  return failures;
}

function holdReasons(outcome: Plan): string[] {
  return (outcome.holds ?? []).flatMap((hold) => hold.reasons);
}

function actualListing(actual: Plan['actions'], outcome: Plan): string[] {
  const lines = [actual.length === 0 ? 'actual actions: none' : `actual actions (${actual.length}):`, ...actual.map((a) => `  ${describeAction(a)}`)];
  if (outcome.held) lines.push(`  plan held: ${holdReasons(outcome).join('; ')}`);
  for (const r of outcome.refused ?? []) lines.push(`  refused: ${describeAction(r.action)}: ${r.reason}`);
  for (const d of outcome.diagnostics) lines.push(`  engine ${d.severity}: ${d.code}: ${d.message}`);
  return lines;
}

const ALIAS_ERROR = Symbol('alias error');

function aliasSafe(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return ALIAS_ERROR;
  }
}

function issueLine(doc: Document.Parsed, path: (string | number | symbol)[], lineOf: (node: unknown) => number): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineOf(node);
  }
  return undefined;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}

function firstLine(message: string): string {
  return lowerFirst((message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, ''));
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

// npm run bench:diff — `roster diff` in-process: 100,000 users × 200 rules, two rule versions
// that differ in a few rules, through the same functions the CLI calls (compileRules, then
// diffRuleSets' steps: simulateBoth, which evaluates and plans both rule sets a slice of users at
// a time and re-evaluates with the new rules only users a changed rule reaches, then
// compareSides and the renderers). BENCH_VERIFY=1 also simulates each side whole, as
// `roster simulate` does, and checks the plans are identical.
// The organisation starts in sync with the old rules (observed = what they grant), as a real
// one would be. Prints seconds per phase and in total beside the target; never fails on a number.
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compileRules } from '../engine/compile.ts';
import { makeContext } from '../engine/context.ts';
import type { ObservedState, SourceFile } from '../engine/types.ts';
import { compareSides, simulateBoth, simulateSide } from '../edge/cli/diff.ts';
import { renderJson, renderMarkdown } from '../edge/cli/diff-render.ts';
import { syntheticRules, syntheticUsers } from './synthetic.ts';
import { editedRules, observedFrom } from './diff-fixtures.ts';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const RULES = Number(process.env.BENCH_RULES ?? 200);
const TARGET_SECONDS = 5;
const ctx = makeContext('2026-11-28T00:00:00Z');

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Wall seconds, and CPU seconds of this process (the machine may be shared: CPU time shows the work). */
type Phase = [name: string, wall: number, cpu: number];

function timed<T>(phases: Phase[], name: string, run: () => T): T {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  phases.push([name, (performance.now() - start) / 1000, (used.user + used.system) / 1e6]);
  return value;
}

function compile(files: SourceFile[], label: string): ReturnType<typeof compileRules>['ruleSet'] {
  const { ruleSet, diagnostics } = compileRules(files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`${label} rules do not compile: ${errors[0]?.message}`);
  return ruleSet;
}

function main(): void {
  console.log(`roster diff: ${USERS.toLocaleString('en-US')} users × ${RULES} rules, Node ${process.version}`);
  const users = syntheticUsers(USERS);
  const baseFiles = syntheticRules(RULES).files;
  const { files: headFiles, edits } = editedRules(baseFiles);
  console.log(`the new version edits ${edits.length} rules: ${edits.join('; ')}`);
  // Setup, not timed: the apps already hold what the old rules grant.
  const observed: ObservedState = observedFrom(simulateSide(compile(baseFiles, 'old'), users, { accounts: [], memberships: [] }, ctx).desired);
  console.log(`observed state: ${observed.accounts.length.toLocaleString('en-US')} accounts, ${observed.memberships.length.toLocaleString('en-US')} memberships`);

  const phases: Phase[] = [];
  const base = timed(phases, 'compile old rules', () => compile(baseFiles, 'old'));
  const head = timed(phases, 'compile new rules', () => compile(headFiles, 'new'));
  const { base: oldSide, head: newSide } = timed(phases, 'simulate both rule sets', () => simulateBoth({ base, head, users, observed, ctx }));
  const compared = timed(phases, 'compare plans', () => compareSides(oldSide, newSide));
  const diff = { ...compared, asOf: ctx.asOf, users: users.length, diagnostics: newSide.plan.diagnostics };
  const labels = { base: { revision: 'old' }, head: { label: 'new' }, rulesDir: 'rules' };
  const markdown = timed(phases, 'render markdown', () => renderMarkdown(diff, labels));
  const json = timed(phases, 'render json', () => renderJson(diff, labels));

  if (process.env.BENCH_VERIFY === '1') {
    const same = (side: typeof oldSide, rules: typeof base): boolean => JSON.stringify(simulateSide(rules, users, observed, ctx).plan) === JSON.stringify(side.plan);
    console.log(`verify: each plan equals a whole simulation of its rules: ${same(oldSide, base) && same(newSide, head) ? 'yes' : 'NO'}`);
  }
  const width = Math.max(...phases.map(([name]) => name.length));
  console.log(`  ${'phase'.padEnd(width)}  ${'wall'.padStart(9)}  ${'cpu'.padStart(9)}`);
  for (const [name, wall, cpu] of phases) console.log(`  ${name.padEnd(width)}  ${fmt(wall, 3).padStart(7)} s  ${fmt(cpu, 3).padStart(7)} s`);
  const total = phases.reduce((sum, [, s]) => sum + s, 0);
  const cpuTotal = phases.reduce((sum, [, , s]) => sum + s, 0);
  console.log(`  ${'total'.padEnd(width)}  ${fmt(total, 3).padStart(7)} s  ${fmt(cpuTotal, 3).padStart(7)} s`);
  console.log(`target: under ${TARGET_SECONDS} s wall: ${total < TARGET_SECONDS ? 'met' : 'MISSED'} (${fmt(total / TARGET_SECONDS, 2)}× the target); load average now ${loadavg().map((l) => fmt(l, 1)).join(', ')} on ${availableParallelism()} cores`);
  console.log(`plans: ${oldSide.plan.actions.length.toLocaleString('en-US')} → ${newSide.plan.actions.length.toLocaleString('en-US')} actions; ${diff.changes.length.toLocaleString('en-US')} changes, ${diff.unchanged.toLocaleString('en-US')} unchanged`);
  console.log(`markdown ${fmt(markdown.length / 1024, 0)} KiB, json ${fmt(json.length / 1048576, 1)} MiB`);
  console.log(markdown.split('\n').find((line) => line.startsWith('**')) ?? '');
  console.log(`peak heap used: ${fmt(process.memoryUsage().heapUsed / 1048576, 0)} MiB`);
}

main();

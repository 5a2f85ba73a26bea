// npm run bench:engine — Roster's compiled engine beside json-rules-engine, in one run.
// 1. 10,000 users × 100 rules through both; every user's matched rules must be identical.
// 2. 1,000,000 users × 100 rules through Roster alone: seconds and peak memory.
// Prints figures; never fails on a number (only on a decision that differs).
import { Engine, Operator } from 'json-rules-engine';
import { performance } from 'node:perf_hooks';
import { compileRules } from '../engine/compile.ts';
import { jsonRulesEngineOperators } from '../engine/conditions/index.ts';
import { makeContext } from '../engine/context.ts';
import { evaluateUser } from '../engine/evaluate.ts';
import type { DesiredUser, EvalContext, RuleSet, User } from '../engine/types.ts';
import { syntheticRules, syntheticUsers } from './synthetic.ts';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const BIG = Number(process.env.BENCH_BIG_USERS ?? 1_000_000);
const RULES = Number(process.env.BENCH_RULES ?? 100);
const ctx = makeContext('2026-11-28T00:00:00Z');

function matchedRules(desired: DesiredUser): string[] {
  const ids = new Set<string>();
  for (const account of desired.accounts) for (const m of account.because) ids.add(m.ruleId);
  return [...ids].sort();
}

function referenceEngine(conditions: Map<string, unknown>, at: EvalContext): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const op of jsonRulesEngineOperators(at)) engine.addOperator(new Operator(op.name, op.cb, op.validator));
  for (const [id, when] of conditions) engine.addRule({ name: id, conditions: structuredClone(when) as never, event: { type: 'match', params: { id } } });
  return engine;
}

function fmt(n: number, digits = 2): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function main(): Promise<void> {
  const synthetic = syntheticRules(RULES);
  const { ruleSet, diagnostics } = compileRules(synthetic.files);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || ruleSet.assignments.length !== RULES) {
    console.error(`synthetic rules did not compile cleanly: ${errors.length} errors, ${ruleSet.assignments.length}/${RULES} rules`);
    for (const d of errors.slice(0, 5)) console.error(`  ${d.file}:${d.line}: ${d.code}: ${d.message}`);
    process.exit(1);
  }
  console.log(`engine benchmark — ${RULES} assignment rules over 20 apps, Node ${process.version}`);

  // ---- 1. beside json-rules-engine -----------------------------------------------------
  const users = syntheticUsers(USERS);
  const engine = referenceEngine(synthetic.conditions, ctx);
  // Warm both up on the whole population first, so neither pays for its JIT or its caches
  // (json-rules-engine's almanac, Roster's parsed dates) inside the timed loop.
  for (const u of users) {
    await engine.run({ ...u });
    evaluateUser(ruleSet, u, ctx);
  }

  const referenceDecisions: string[][] = new Array(users.length);
  let t0 = performance.now();
  for (let i = 0; i < users.length; i++) {
    const { events } = await engine.run({ ...users[i] });
    referenceDecisions[i] = events.map((e) => String(e.params!.id)).sort();
  }
  const referenceMs = performance.now() - t0;

  // Roster's pass takes well under a second: the mean of ten passes keeps one GC pause from
  // deciding the figure. The decisions compared are the last pass's.
  const PASSES = 10;
  const rosterDecisions: string[][] = new Array(users.length);
  t0 = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < users.length; i++) rosterDecisions[i] = matchedRules(evaluateUser(ruleSet, users[i]!, ctx));
  }
  const rosterMs = (performance.now() - t0) / PASSES;

  let differing = 0;
  let matches = 0;
  for (let i = 0; i < users.length; i++) {
    matches += rosterDecisions[i]!.length;
    if (rosterDecisions[i]!.join() !== referenceDecisions[i]!.join()) {
      if (differing < 3) console.error(`user ${users[i]!.id}: roster [${rosterDecisions[i]}] vs json-rules-engine [${referenceDecisions[i]}]`);
      differing++;
    }
  }
  const refPerUser = (referenceMs * 1000) / users.length;
  const rosterPerUser = (rosterMs * 1000) / users.length;
  console.log(`\n${fmt(users.length, 0)} users × ${RULES} rules (${fmt(matches / users.length, 1)} matching rules per user)`);
  console.log(`  json-rules-engine  ${fmt(refPerUser).padStart(10)} µs/user  ${fmt(referenceMs / 1000)} s`);
  console.log(`  roster             ${fmt(rosterPerUser).padStart(10)} µs/user  ${fmt(rosterMs / 1000)} s (mean of ${PASSES} passes)`);
  console.log(`  decisions: ${differing === 0 ? `identical for all ${fmt(users.length, 0)} users` : `${differing} users DIFFER`}`);

  // ---- 2. a million users, Roster alone ------------------------------------------------
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  const big = syntheticUsers(BIG, 1234);
  sample();
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let accounts = 0;
  t0 = performance.now();
  for (let i = 0; i < big.length; i++) {
    accounts += evaluateUser(ruleSet, big[i]!, ctx).accounts.length;
    if ((i & 0xffff) === 0) sample();
  }
  const bigMs = performance.now() - t0;
  sample();
  console.log(`\n${fmt(big.length, 0)} users × ${RULES} rules, roster alone, single-threaded`);
  console.log(`  ${fmt(bigMs / 1000)} s  (${fmt((bigMs * 1000) / big.length)} µs/user, ${fmt(accounts, 0)} desired accounts)`);
  console.log(`  peak memory: ${fmt(peakRss / 2 ** 20, 0)} MiB rss (${fmt(before / 2 ** 20, 0)} MiB with the users loaded)`);

  console.log(`\nratio: ${fmt(refPerUser / rosterPerUser, 0)}× json-rules-engine`);
  if (differing > 0) process.exit(1);
}

await main();

// Cost of evaluating and planning a freshly imported population: N demo workers (the HR
// import's own parse → validate → merge, users as the edge builds them) against the demo rules
// in rules/, on an empty observed state (every user gets all their creates). Runs the engine
// with its expression fast path and with cel-js alone, in one run, interleaved, and checks that
// both plans are byte-identical. Prints figures; never fails on a number, only on a difference.
// Run: npm run bench:plan-cost [-- --workers 20000 --rounds 3]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadRulesDir } from '../edge/cli/load-rules.ts';
import { parseRecords } from '../edge/import/parse.ts';
import { mergeChanges } from '../edge/import/merge.ts';
import { validateRecords } from '../edge/import/validate.ts';
import { toUser } from '../edge/services/engine.ts';
import { compileRules } from '../engine/compile.ts';
import { makeContext } from '../engine/context.ts';
import { evaluate } from '../engine/evaluate.ts';
import { setExpressionFastPath } from '../engine/expressions.ts';
import { plan } from '../engine/plan.ts';
import type { ObservedState, Plan, RuleSet, User } from '../engine/types.ts';
import { demoWorkers, toCsv } from '../scripts/gen-demo-hr.ts';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' } } });
const count = Number(values.workers);
const rounds = Math.max(1, Number(values.rounds));
const at = '2025-06-02T08:00:00.000Z';
const ctx = makeContext(at);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const load = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
};

/** Users exactly as `roster import` writes them and the reconcile service plans them. */
function importedUsers(ruleSet: RuleSet): User[] {
  const types = ruleSet.settings.attributes ?? {};
  const parsed = parseRecords(toCsv(demoWorkers(count, 99)), 'csv', types);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const { changes, errors } = validateRecords(parsed.records, { mode: 'full', types });
  if (errors.length > 0) throw new Error(`invalid workers: ${JSON.stringify(errors.slice(0, 3))}`);
  const merged = mergeChanges({ changes, existing: new Map(), loginOwners: new Map(), mode: 'full', at });
  if (merged.errors.length > 0) throw new Error(`merge failed: ${JSON.stringify(merged.errors.slice(0, 3))}`);
  // The rows go through the database as JSON: plan what comes back, not the objects merged.
  return merged.writes.map((w) => toUser(JSON.parse(JSON.stringify(w.row)) as typeof w.row));
}

function compiled(fastPath: boolean): RuleSet {
  setExpressionFastPath(fastPath);
  try {
    const { ruleSet, diagnostics } = compileRules(loadRulesDir('rules', process.cwd()).rules);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`rules/ has errors: ${errors[0]!.message}`);
    return ruleSet;
  } finally {
    setExpressionFastPath(true);
  }
}

interface Run {
  evaluateMs: number;
  planMs: number;
  /** CPU time of this process (GC threads included): steadier than wall time on a busy machine. */
  evaluateCpuMs: number;
  planCpuMs: number;
  result: Plan;
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function once(ruleSet: RuleSet, users: readonly User[]): Run {
  const empty: ObservedState = { accounts: [], memberships: [] };
  globalThis.gc?.();
  let cpu = process.cpuUsage();
  let t = performance.now();
  const desired = evaluate(ruleSet, users, ctx, { appGroups: [], assignedGroups: new Map() });
  const evaluateMs = performance.now() - t;
  const evaluateCpuMs = cpuSince(cpu);
  cpu = process.cpuUsage();
  t = performance.now();
  const result = plan(ruleSet, desired, empty, ctx);
  const planMs = performance.now() - t;
  return { evaluateMs, planMs, evaluateCpuMs, planCpuMs: cpuSince(cpu), result };
}

const modes = [
  { name: 'fast path', ruleSet: compiled(true) },
  { name: 'cel-js only', ruleSet: compiled(false) },
];
const users = importedUsers(modes[0]!.ruleSet);
console.log(`plan cost: ${fmt(count)} demo workers, demo rules, empty observed state, ${rounds} rounds each (best shown)`);
console.log(`  before: ${load()}`);

// Plans are compared by the sha256 of their JSON: holding 100 MB strings would slow the GC.
const best = new Map<string, { evaluateMs: number; planMs: number; evaluateCpuMs: number; planCpuMs: number; actions: number; bytes: number; digest: string }>();
for (let round = 0; round < rounds; round++) {
  // Alternate which mode goes first: the first of a round may pay for the last one's garbage.
  for (const mode of round % 2 === 0 ? modes : [...modes].reverse()) {
    const run = once(mode.ruleSet, users);
    const json = JSON.stringify(run.result);
    const digest = createHash('sha256').update(json).digest('hex');
    const seen = best.get(mode.name);
    if (seen && seen.digest !== digest) throw new Error(`${mode.name}: plans differ between rounds`);
    best.set(mode.name, {
      evaluateMs: Math.min(seen?.evaluateMs ?? Infinity, run.evaluateMs),
      planMs: Math.min(seen?.planMs ?? Infinity, run.planMs),
      evaluateCpuMs: Math.min(seen?.evaluateCpuMs ?? Infinity, run.evaluateCpuMs),
      planCpuMs: Math.min(seen?.planCpuMs ?? Infinity, run.planCpuMs),
      actions: run.result.actions.length,
      bytes: json.length,
      digest,
    });
  }
}

const [fast, cel] = modes.map((m) => best.get(m.name)!) as [NonNullable<ReturnType<typeof best.get>>, NonNullable<ReturnType<typeof best.get>>];
if (fast.digest !== cel.digest) throw new Error('the fast path and cel-js plan differently');
for (const mode of modes) {
  const r = best.get(mode.name)!;
  console.log(
    `  ${mode.name.padEnd(12)} evaluate ${fmt(r.evaluateMs).padStart(6)} ms (${fmt((r.evaluateMs * 1000) / count, 1).padStart(6)} µs/user)` +
      `   plan ${fmt(r.planMs).padStart(6)} ms (${fmt((r.planMs * 1000) / Math.max(1, r.actions), 2).padStart(6)} µs/action, ${fmt(r.actions)} actions)` +
      `   total ${fmt(r.evaluateMs + r.planMs).padStart(6)} ms   (cpu: evaluate ${fmt(r.evaluateCpuMs)} ms, plan ${fmt(r.planCpuMs)} ms)`,
  );
}
console.log(`  cel-js only / fast path: evaluate ${fmt(cel.evaluateMs / fast.evaluateMs, 2)}×, plan ${fmt(cel.planMs / fast.planMs, 2)}×, total ${fmt((cel.evaluateMs + cel.planMs) / (fast.evaluateMs + fast.planMs), 2)}×; plans byte-identical (${fmt(fast.bytes)} characters of JSON, sha256 ${fast.digest.slice(0, 12)})`);
console.log(`  after: ${load()} (${availableParallelism()} cores)`);

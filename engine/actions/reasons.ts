// The why of every action: a line a person reads, plus the rules, version and values behind it.
import type { ConditionTrace, DeprovisionMode, LeafTrace, MatchedRule, Reason } from '../types.ts';

/**
 * The leaves that decided a trace's outcome: for a match, the leaves that held under `all`, the
 * ones that held under `any`, and under `not` the ones that failed.
 */
export function decisiveLeaves(trace: ConditionTrace, want = true): LeafTrace[] {
  // The common shape, a matched `all` of leaves that all held: its children are the answer
  // (shared with the trace rather than copied; neither is changed after it is made).
  if (trace.type === 'all' && want && trace.children.every((child) => child.type === 'leaf' && child.result)) return trace.children as LeafTrace[];
  const leaves: LeafTrace[] = [];
  collectLeaves(trace, want, leaves);
  return leaves;
}

function collectLeaves(trace: ConditionTrace, want: boolean, into: LeafTrace[]): void {
  if (trace.type === 'leaf') {
    if (trace.result === want) into.push(trace);
    return;
  }
  if (trace.type === 'not') {
    for (const child of trace.children) collectLeaves(child, !want, into);
    return;
  }
  // `all` true and `any` false need every child; `all` false and `any` true need the ones that decided.
  const everyChild = (trace.type === 'all') === want;
  for (const child of trace.children) if (everyChild || child.result === want) collectLeaves(child, want, into);
}

/**
 * Reason for an action the rules ask for: every rule involved, the winner's matched conditions
 * (left out with `matched: false`, see PlanOptions).
 */
export function ruleReason(summary: string, because: readonly MatchedRule[], version: string, matched = true): Reason {
  const winner = because[0];
  if (winner === undefined) return { summary, rules: [], version, matched: [] };
  let rules: string[];
  if (because.length === 1) rules = [winner.ruleId];
  else {
    rules = new Array<string>(because.length);
    for (let i = 0; i < because.length; i++) rules[i] = (because[i] as MatchedRule).ruleId;
  }
  return { summary, rules, version, matched: matched ? [{ ruleId: winner.ruleId, conditions: decisiveLeaves(winner.trace) }] : [] };
}

/** Reason for an action caused by the absence of a rule or by the user's status. */
export function policyReason(summary: string, version: string): Reason {
  return { summary, rules: [], version, matched: [] };
}

// Words every user matched by one rule shares, made once (a plan holds a line per action).
// Keyed by the pieces themselves, so a hit builds nothing. Bounded: emptied past its size.
type WordsCache = Map<string, Map<string, Map<string | undefined, string>>>;
const assignsCache: WordsCache = new Map();
const joinsCache: WordsCache = new Map();
const WORDS_CACHE_SIZE = 4096;
let wordsCount = 0;

function cachedWords(cache: WordsCache, a: string, b: string, c: string | undefined, build: () => string): string {
  const words = cache.get(a)?.get(b)?.get(c);
  if (words !== undefined) return words;
  if (wordsCount >= WORDS_CACHE_SIZE) {
    assignsCache.clear();
    joinsCache.clear();
    wordsCount = 0;
  }
  let byB = cache.get(a);
  if (byB === undefined) cache.set(a, (byB = new Map()));
  let byC = byB.get(b);
  if (byC === undefined) byB.set(b, (byC = new Map()));
  const built = build();
  byC.set(c, built);
  wordsCount++;
  return built;
}

export function assignsWords(ruleId: string, appId: string, role: string | undefined): string {
  return cachedWords(assignsCache, ruleId, appId, role, () => `rule \`${ruleId}\` assigns \`${appId}\`${role === undefined ? '' : ` as \`${role}\``}`);
}

export function unassignedWords(appId: string, mode: DeprovisionMode): string {
  return `no rule assigns \`${appId}\` any more; app policy: ${mode}`;
}

export function statusWords(status: string, mode?: DeprovisionMode): string {
  return `user status is \`${status}\`${mode === undefined ? '' : `; app policy: ${mode}`}`;
}

export function deleteAfterWords(cause: string, status: string, since: string, days: number): string {
  return `${cause}, delete after ${days} day${days === 1 ? '' : 's'}; ${status} since \`${since}\``;
}

export function joinsWords(ruleId: string, groupId: string): string {
  return cachedWords(joinsCache, ruleId, groupId, undefined, () => `rule \`${ruleId}\` puts the user in group \`${groupId}\``);
}

export function leavesWords(groupId: string): string {
  return `no rule puts the user in group \`${groupId}\` any more`;
}

// The why of every action: a line a person reads, plus the rules, version and values behind it.
import type { ConditionTrace, DeprovisionMode, LeafTrace, MatchedRule, Reason } from '../types.ts';

/**
 * The leaves that decided a trace's outcome: for a match, the leaves that held under `all`, the
 * ones that held under `any`, and under `not` the ones that failed.
 */
export function decisiveLeaves(trace: ConditionTrace, want = true): LeafTrace[] {
  if (trace.type === 'leaf') return trace.result === want ? [trace] : [];
  if (trace.type === 'not') return trace.children.flatMap((child) => decisiveLeaves(child, !want));
  // `all` true and `any` false need every child; `all` false and `any` true need the ones that decided.
  const everyChild = (trace.type === 'all') === want;
  const children = everyChild ? trace.children : trace.children.filter((child) => child.result === want);
  return children.flatMap((child) => decisiveLeaves(child, want));
}

/** Reason for an action the rules ask for: every rule involved, the winner's matched conditions. */
export function ruleReason(summary: string, because: readonly MatchedRule[], version: string): Reason {
  const winner = because[0];
  return {
    summary,
    rules: because.map((rule) => rule.ruleId),
    version,
    matched: winner ? [{ ruleId: winner.ruleId, conditions: decisiveLeaves(winner.trace) }] : [],
  };
}

/** Reason for an action caused by the absence of a rule or by the user's status. */
export function policyReason(summary: string, version: string): Reason {
  return { summary, rules: [], version, matched: [] };
}

export function assignsWords(ruleId: string, appId: string, role: string | undefined): string {
  return `rule \`${ruleId}\` assigns \`${appId}\`${role === undefined ? '' : ` as \`${role}\``}`;
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
  return `rule \`${ruleId}\` puts the user in group \`${groupId}\``;
}

export function leavesWords(groupId: string): string {
  return `no rule puts the user in group \`${groupId}\` any more`;
}

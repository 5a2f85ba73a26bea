// The why-tree for one user: every rule with its full condition trace, what the rules give,
// and the actions planned, each with its reason. Data first (for the UI), text by `renderExplain`.
import { statusPolicy } from './actions/lifecycle.ts';
import { describeAction } from './actions/registry.ts';
import { evaluateUser } from './evaluate.ts';
import { plan } from './plan.ts';
import { operators } from './conditions/operators/registry.ts';
import type { Action, ConditionTrace, DesiredUser, EvalContext, LeafTrace, ObservedState, RuleSet, User } from './types.ts';

export type ExplainKind = 'user' | 'section' | 'rule' | 'branch' | 'leaf' | 'account' | 'membership' | 'action' | 'note' | 'diagnostic';

export interface ExplainNode {
  kind: ExplainKind;
  label: string;
  /** Decided nodes (rules, conditions) carry their outcome: ✓ or ✗ when rendered. */
  result?: boolean;
  ruleId?: string;
  action?: Action;
  children: ExplainNode[];
}

export function explainUser(ruleSet: RuleSet, user: User, observed: ObservedState, ctx: EvalContext): ExplainNode {
  const desired = evaluateUser(ruleSet, user, ctx, observed.appGroups ? { appGroups: observed.appGroups } : {});
  const mine: ObservedState = {
    accounts: observed.accounts.filter((account) => account.userId === user.id),
    memberships: observed.memberships.filter((membership) => membership.userId === user.id),
    ...(observed.appGroups ? { appGroups: observed.appGroups } : {}),
    ...(observed.health ? { health: observed.health } : {}),
  };
  const planned = plan(ruleSet, [desired], mine, ctx);

  // Re-walk the rules with traces for every rule, matched or not, seeing groups as evaluate did.
  const view: User = { ...user, groups: [] };
  const groupRules: ExplainNode[] = [];
  for (const group of ruleSet.groups) {
    const trace = group.condition.trace(view, ctx);
    if (trace.result) view.groups = [...(view.groups as string[]), group.id];
    groupRules.push(ruleNode(`group \`${group.id}\` (${group.file}:${group.line})`, group.id, trace));
  }
  const assignmentRules = ruleSet.assignments.map((rule) => {
    const targets = rule.targets.map((t) => `\`${t.app}\`${t.role === undefined ? '' : ` as \`${t.role}\``}`).join(', ');
    const label = `rule \`${rule.id}\` priority ${rule.priority} → ${targets} (${rule.file}:${rule.line})`;
    return ruleNode(label, rule.id, rule.condition.trace(view, ctx));
  });

  const children: ExplainNode[] = [];
  const note = statusNote(desired.status);
  if (note) children.push({ kind: 'note', label: note, children: [] });
  children.push(section('group rules', groupRules), section('assignment rules', assignmentRules), desiredSection(desired));
  if (mine.accounts.length + mine.memberships.length > 0) children.push(observedSection(mine));
  children.push(
    section(
      'planned actions',
      planned.actions.map((action) => ({
        kind: 'action',
        label: `${action.type}: ${describeAction(action)} [${action.id}]`,
        action,
        children: [{ kind: 'note', label: `why: ${action.reason.summary}`, children: [] }],
      })),
    ),
  );
  if (planned.diagnostics.length > 0) {
    children.push(section('diagnostics', planned.diagnostics.map((d) => ({ kind: 'diagnostic', label: `${d.severity} ${d.code}: ${d.message}`, children: [] }))));
  }
  return { kind: 'user', label: `user \`${user.id}\` (${desired.status}) as of ${ctx.asOf}, rule set ${ruleSet.version}`, children };
}

function section(label: string, children: ExplainNode[]): ExplainNode {
  return { kind: 'section', label, children: children.length > 0 ? children : [{ kind: 'note', label: '(none)', children: [] }] };
}

function ruleNode(label: string, ruleId: string, trace: ConditionTrace): ExplainNode {
  return { kind: 'rule', label, result: trace.result, ruleId, children: [traceNode(trace)] };
}

function traceNode(trace: ConditionTrace): ExplainNode {
  if (trace.type !== 'leaf') {
    const words = { all: 'all of', any: 'any of', not: 'not' }[trace.type];
    return { kind: 'branch', label: words, result: trace.result, children: trace.children.map(traceNode) };
  }
  const error = trace.error === undefined ? '' : ` — error: ${trace.error}`;
  return { kind: 'leaf', label: `${conditionText(trace)} — saw ${shown(trace.seen)}${error}`, result: trace.result, children: [] };
}

/**
 * A condition as the why-tree shows it. A date operator's number is days from the as-of instant
 * (`before: -90` reads `before now − 90 days`, `before: 0` reads `before now`), and a `days`
 * operator's number says so, rather than a bare `0` or `30`.
 */
export function conditionText(trace: LeafTrace): string {
  const fact = trace.path === undefined ? trace.fact : `${trace.fact} ${trace.path}`;
  return `${fact} ${trace.operator} ${valueText(trace.operator, trace.value)}`;
}

function valueText(operator: string, value: unknown): string {
  if (typeof value === 'number') {
    const kind = operators.get(operator)?.value;
    const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
    if (kind === 'dateOrDays') return value === 0 ? 'now' : `now ${value < 0 ? '−' : '+'} ${days(Math.abs(value))}`;
    if (kind === 'days') return days(value);
  }
  return shown(value);
}

function desiredSection(desired: DesiredUser): ExplainNode {
  const groups: ExplainNode[] = desired.groups.map((m) => ({ kind: 'membership', label: `group \`${m.groupId}\` by rule \`${m.because.ruleId}\``, children: [] }));
  const accounts: ExplainNode[] = desired.accounts.map((account) => {
    const [winner, ...others] = account.because;
    const also = others.length > 0 ? `; also matched: ${others.map((b) => `\`${b.ruleId}\``).join(', ')}` : '';
    const role = account.role === undefined ? '' : ` as \`${account.role}\``;
    const attributes: ExplainNode[] = Object.keys(account.attributes)
      .sort()
      .map((name) => ({
        kind: 'note',
        label: `${name} = ${shown(account.attributes[name])}${account.createOnly.includes(name) ? ' (create only)' : ''}`,
        children: [],
      }));
    return { kind: 'account', label: `account \`${account.appId}\`${role} by rule \`${winner?.ruleId}\`${also}`, children: attributes };
  });
  return section('the rules give', [...groups, ...accounts]);
}

function observedSection(observed: ObservedState): ExplainNode {
  const accounts: ExplainNode[] = observed.accounts.map((account) => ({
    kind: 'account',
    label: `account \`${account.appId}\` ${account.status}${account.role === undefined ? '' : ` as \`${account.role}\``}${account.deactivatedAt ? ` since ${account.deactivatedAt}` : ''}`,
    children: [],
  }));
  const groups: ExplainNode[] = observed.memberships.map((m) => ({ kind: 'membership', label: `group \`${m.groupId}\``, children: [] }));
  return section('the apps hold now', [...groups, ...accounts]);
}

function statusNote(status: string): string | undefined {
  const policy = statusPolicy(status);
  const effects: string[] = [];
  if (!policy.grants) effects.push('no new or reactivated accounts');
  if (policy.suspends) effects.push('active accounts are suspended');
  if (!policy.assigned) effects.push('every account is out of scope (app policy applies)');
  if (!policy.memberships) effects.push('rule groups are removed');
  return effects.length === 0 ? undefined : `status \`${status}\`: ${effects.join('; ')}`;
}

const MAX_SHOWN = 80;

/** A value as the why-tree shows it: JSON, `(missing)` for none, cut at MAX_SHOWN characters. */
export function shown(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** The why-tree as indented text with ✓/✗ marks, for a terminal. */
export function renderExplain(node: ExplainNode): string {
  const lines: string[] = [];
  const walk = (current: ExplainNode, prefix: string, childPrefix: string): void => {
    const mark = current.result === undefined ? '' : current.result ? '✓ ' : '✗ ';
    lines.push(`${prefix}${mark}${current.label}`);
    current.children.forEach((child, i) => {
      const last = i === current.children.length - 1;
      walk(child, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(node, '', '');
  return `${lines.join('\n')}\n`;
}

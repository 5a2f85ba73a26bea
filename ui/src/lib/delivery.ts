// Delivery to one app as an admin operates it (`/v1/connectors`): the outbox and quarantine,
// dead letters and their retry, an import from the app now, drift found and repaired. Shapes
// follow edge/dispatch/status.ts and edge/connectors/sync/{import,drift}.ts.
import { api, pageItems } from './api.ts';
import type { Page } from './api.ts';
import type { RunRow, Situation } from './endpoints.ts';

export interface AppDeliveryRow { id: string; name: string; connector: string; status: string; quarantinedUntil: string | null; quarantineReason: string | null; configErrors: string[]; outbox: Record<string, number> }
export interface DeadLetterRow { id: string; type: string; appId: string | null; userId: string | null; groupId: string | null; attempts: number; lastError: string | null; deadAt: string }
export type ReadHealth = 'ok' | 'empty' | 'failed';
export interface AppImportSummary { importId: string; appId: string; health: ReadHealth; counts: Record<Situation, number>; linked: number; pending: number; error?: string }
export type FindingKind = 'missing-account' | 'unexpected-account' | 'status' | 'attribute' | 'missing-membership' | 'unexpected-membership';
/** A finding as a check returns it, or as stored (`GET /v1/connectors/drift`, with `foundAt`). */
export interface DriftFinding { kind: FindingKind; userId?: string | null; groupId?: string | null; detail: Record<string, unknown>; foundAt?: string }
export interface DriftCheck { checkId: string; appId: string; health: ReadHealth; findings: DriftFinding[]; error?: string }
export interface DriftRepair { check: DriftCheck; runId?: string; held: boolean; actions: number; queued?: number }

const app = (id: string) => `/v1/connectors/apps/${encodeURIComponent(id)}`;

/** The app's delivery state, or `undefined` when no connection is registered for it. */
export const appDelivery = async (appId: string) => (await api<Page<AppDeliveryRow>>('/v1/connectors/apps').then(pageItems)).find((a) => a.id === appId);
/** The app's latest dead letters, newest first. */
export const deadLetters = (appId: string, limit: number) => api<Page<DeadLetterRow>>(`/v1/connectors/dead-letters?${new URLSearchParams({ appId, limit: String(limit) }).toString()}`).then(pageItems);
export const retryDeadLetter = (id: string) => api<{ id: string }>(`/v1/connectors/dead-letters/${encodeURIComponent(id)}/retry`, { method: 'POST' });
export const importNow = (appId: string) => api<AppImportSummary>(`${app(appId)}/import`, { method: 'POST' });
/** The app's latest findings, grouped by kind (the server keeps them in the order found). */
export const driftFindings = (appId: string) => api<Page<DriftFinding>>(`/v1/connectors/drift?${new URLSearchParams({ appId }).toString()}`).then((page) => sortFindings(pageItems(page)));
export const checkDrift = (appId: string) => api<DriftCheck>(`${app(appId)}/drift`, { method: 'POST' });
export const repairDrift = (appId: string) => api<DriftRepair>(`${app(appId)}/drift/repair`, { method: 'POST' });
/**
 * How many of a run's actions it put in the outbox (`summary.queued`): an action already
 * waiting there stays with the run that queued it. `undefined` when the server does not say.
 */
export async function queuedBy(runId: string): Promise<number | undefined> {
  const run = await api<RunRow>(`/v1/runs/${encodeURIComponent(runId)}?limit=1`);
  return typeof run.summary.queued === 'number' ? run.summary.queued : undefined;
}

/** Outbox statuses in the order an admin reads them, each in words. */
export const OUTBOX_WORDS: [status: string, words: string][] = [
  ['dead', 'failed for good (dead letters)'],
  ['failed', 'failed, to be tried again'],
  ['pending', 'waiting to be sent'],
  ['delivering', 'being sent now'],
  ['held', 'held until their run is approved'],
  ['done', 'delivered'],
  ['cancelled', 'cancelled'],
];

/** `outbox` counts as lines like "3 failed for good (dead letters)", statuses with none left out. */
export function outboxLines(outbox: Record<string, number>): { status: string; text: string }[] {
  const known = new Set(OUTBOX_WORDS.map(([s]) => s));
  const order = [...OUTBOX_WORDS, ...Object.keys(outbox).filter((s) => !known.has(s)).map((s): [string, string] => [s, s])];
  return order.filter(([s]) => (outbox[s] ?? 0) > 0).map(([status, words]) => ({ status, text: `${(outbox[status] ?? 0).toLocaleString('en')} ${words}` }));
}

/** What each import situation means for the accounts read. */
export const SITUATION_WORDS: Record<Situation, string> = {
  linked: 'already linked to an identity',
  unlinked: 'match one identity',
  disputed: 'match several identities',
  unmatched: 'match no identity',
  deleted: 'linked, but gone from the app',
};

const quoted = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
const FINDINGS: Record<FindingKind, { label: string; says: (d: Record<string, unknown>) => string }> = {
  'missing-account': { label: 'account missing', says: (d) => `the rules give an account; found: ${String(d.actual ?? 'no account')}` },
  'unexpected-account': { label: 'account not given by the rules', says: (d) => `account ${String(d.externalId ?? '')}: ${String(d.reason ?? 'no rule assigns it')}` },
  status: { label: 'wrong status', says: (d) => `${String(d.actual ?? '?')} in the app; the rules want it ${String(d.expected ?? '?')}` },
  attribute: { label: 'attribute differs', says: (d) => `${String(d.attribute ?? '?')} is ${quoted(d.actual)} in the app; the rules want ${quoted(d.expected)}` },
  'missing-membership': { label: 'group membership missing', says: (d) => `not a member of ${String(d.group ?? '?')} in the app` },
  'unexpected-membership': { label: 'group membership not given by the rules', says: (d) => `a member of ${String(d.group ?? '?')} in the app` },
};

const KINDS = Object.keys(FINDINGS);
const subject = (f: DriftFinding) => String(f.userId ?? f.groupId ?? f.detail.externalId ?? '');

/** Findings by kind in the order of FINDINGS, then by user, group or account. */
export function sortFindings(findings: readonly DriftFinding[]): DriftFinding[] {
  const rank = (f: DriftFinding) => (KINDS.includes(f.kind) ? KINDS.indexOf(f.kind) : KINDS.length);
  return [...findings].sort((a, b) => rank(a) - rank(b) || subject(a).localeCompare(subject(b), 'en', { numeric: true }));
}

/** A finding in words: what kind, and what differs. */
export function describeFinding(f: DriftFinding): { label: string; text: string } {
  const known = FINDINGS[f.kind] as (typeof FINDINGS)[FindingKind] | undefined;
  return known ? { label: known.label, text: known.says(f.detail) } : { label: f.kind, text: JSON.stringify(f.detail) };
}

/** "1 action", "2 actions". */
export const count = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** An ISO instant as the screens show it: `YYYY-MM-DD HH:MM` (UTC). */
export const shortTime = (iso: string) => iso.slice(0, 16).replace('T', ' ');

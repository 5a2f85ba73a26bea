// The API's resources as the screens use them. Each function names one route; shapes follow
// the OpenAPI document (`/openapi.json`). `optional` turns "this server has no such route yet"
// into `undefined`, so a screen can show an empty state instead of an error.
import { ApiFailure, api, listAll, pageItems } from './api.ts';
import type { Page } from './api.ts';

export interface UserRow { id: string; login: string; email: string | null; status: string; profile: Record<string, unknown>; attributeSources?: Record<string, string>; version: number; createdAt: string; updatedAt: string }
export interface AppRow { id: string; name: string; connector: string; config: Record<string, unknown>; status: string; quarantinedUntil: string | null; definedAt?: string; mappings?: { attribute: string; expr: string; createOnly: boolean }[]; [k: string]: unknown }
export interface AccountRow { id: string; userId: string; appId: string; externalId: string | null; status: 'active' | 'suspended' | 'deactivated'; role: string | null; attributes: Record<string, unknown>; observedAt: string | null; deactivatedAt?: string | null }
export interface GroupRow { id: string; name: string; description: string | null; source: string; definedAt?: string }
export interface MemberRow { userId: string; login: string; status: string; source: string }
export interface UserGroupRow { groupId: string; name?: string | null; source?: string }
export type Situation = 'linked' | 'unlinked' | 'unmatched' | 'deleted' | 'disputed';
export interface AppImportRow { id: string; status: string; total: number; startedAt: string; finishedAt: string | null; errors: { line?: number; message: string }[]; situations: Record<Situation, number>; pending: number }
export interface MatchCandidate { id: string; login: string | null; email: string | null; name: string | null; status: string | null }
export interface PendingMatchRow { id: string; importId: string; appId: string; externalId: string; situation: Situation; matchedBy: string | null; account: { attributes?: Record<string, unknown>; active?: boolean }; candidates: MatchCandidate[] }
export interface RunRow { id: string; kind: string; status: string; ruleSetVersion: string | null; asOf: string; summary: Record<string, unknown>; heldReasons: string[]; createdAt: string; decidedAt: string | null; decidedBy: string | null }
export interface TaskRow { id: string; actionId: string; appId: string; userId: string | null; description: string; owners: string[]; status: string; createdAt: string; doneAt: string | null }
export interface AuditRow { seq: number; at: string; actor: string; type: string; subject: string | null; data: Record<string, unknown> }
export interface OutboxRow { id: string; runId: string; type: string; userId: string | null; appId: string | null; groupId?: string | null; status: string; createdAt: string; attempts: number; lastError: string | null; action?: { reason?: { summary?: string } } }
export interface TokenRow { id: string; name: string; scope: TokenScope; sourceId: string | null; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export type TokenScope = 'admin' | 'read' | 'scim' | 'agent' | 'jit';
export interface ImportRunRow { id: string; source: string; fileName: string | null; status: string; total: number; created: number; updated: number; failed: number; errors: { line?: number; id?: string; message: string }[]; startedAt: string; finishedAt: string | null }

export async function optional<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404 && error.message.startsWith('no route for')) return undefined;
    throw error;
  }
}

const q = (params: Record<string, string | undefined>): string => {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as [string, string][];
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
};

export const listUsersPage = (params: Record<string, string | undefined>) => api<Page<UserRow>>(`/v1/users${q({ limit: '50', ...params })}`);
export const getUser = (id: string) => api<UserRow>(`/v1/users/${encodeURIComponent(id)}`);
export const lifecycle = (id: string, operation: string) => api<{ user: UserRow | null; run: { id: string; status: string; heldReasons: string[] } | null; actions: { type: string; appId?: string }[]; applied: boolean }>(`/v1/users/${encodeURIComponent(id)}/lifecycle/${operation}`, { method: 'POST' });
/** An action provision-now planned or delivered: its outcome, why it was planned, and why it still waits (if it does). */
export interface ProvisionedRow extends OutboxRow { why: string; waiting?: string }
/** Provisions one user now: plans them and delivers what waits for them, in the request. */
export const provisionNow = (id: string) => api<{ user: UserRow; run: { id: string; status: string; heldReasons: string[] }; actions: ProvisionedRow[] }>(`/v1/users/${encodeURIComponent(id)}/provision`, { method: 'POST' });
export const userAccounts = (id: string) => optional(api<Page<AccountRow> | AccountRow[]>(`/v1/users/${encodeURIComponent(id)}/accounts`).then(pageItems));
export const userGroups = (id: string) => optional(api<Page<UserGroupRow> | UserGroupRow[]>(`/v1/users/${encodeURIComponent(id)}/groups`).then(pageItems));

export const listGroupsPage = (cursor?: string) => api<Page<GroupRow>>(`/v1/groups${q({ limit: '100', cursor })}`);
/** A user's outbox actions in `statuses` (the first 100 of each). */
export const userActions = async (userId: string, statuses: readonly string[]) =>
  (await Promise.all(statuses.map((status) => api<Page<OutboxRow>>(`/v1/outbox${q({ userId, status, limit: '100' })}`).then(pageItems)))).flat();
export const getGroup = (id: string) => api<GroupRow>(`/v1/groups/${encodeURIComponent(id)}`);
export const groupMembersPage = (id: string, cursor?: string) => api<Page<MemberRow>>(`/v1/groups/${encodeURIComponent(id)}/members${q({ limit: '100', cursor })}`);
export const listApps = () => listAll<AppRow>('/v1/apps');
/** Reconciles every user with the active rules now: the run (planned, or held by a safety gate) and what it queued. */
export const reconcileNow = () => api<{ run: RunRow; queued: number }>('/v1/runs', { method: 'POST', body: {} });
export const getApp = (id: string) => api<AppRow>(`/v1/apps/${encodeURIComponent(id)}`);
/** One page of an app's accounts (an app may hold hundreds of thousands: never read them all). */
/** Registers the connection of an app (the rule file's id and connector): it stops being `unconnected`. */
export const connectApp = (app: { id: string; name: string; connector: string; config: Record<string, unknown> }) => api<AppRow>('/v1/apps', { method: 'POST', body: app });
export const appAccountsPage = (id: string, cursor?: string) => api<Page<AccountRow>>(`/v1/apps/${encodeURIComponent(id)}/accounts${q({ limit: '100', cursor })}`);
export const appImports = (id: string) => optional(api<Page<AppImportRow>>(`/v1/apps/${encodeURIComponent(id)}/imports`).then(pageItems));

export const pendingMatches = (appId?: string) => optional(api<Page<PendingMatchRow>>(`/v1/connectors/import-items${q({ appId })}`).then(pageItems));
export const confirmMatch = (itemId: string, userId: string) => api<{ userId?: string }>(`/v1/connectors/import-items/${encodeURIComponent(itemId)}/confirm`, { method: 'POST', body: { userId } });
export const rejectMatch = (itemId: string) => api<Record<string, never>>(`/v1/connectors/import-items/${encodeURIComponent(itemId)}/reject`, { method: 'POST' });

export const listRuns = (status?: string) => api<Page<RunRow>>(`/v1/runs${q({ status, limit: '100' })}`).then(pageItems);
export const decideRun = (id: string, decision: 'approve' | 'reject') => api<RunRow>(`/v1/runs/${encodeURIComponent(id)}/${decision}`, { method: 'POST' });
export const runActions = (id: string) => api<RunRow & { actions: OutboxRow[] }>(`/v1/runs/${encodeURIComponent(id)}?limit=200`).then((run) => run.actions);

export const listTasks = (status?: string) => optional(api<Page<TaskRow> | TaskRow[]>(`/v1/tasks${q({ status })}`).then(pageItems));
export const completeTask = (id: string) => api<TaskRow>(`/v1/tasks/${encodeURIComponent(id)}/done`, { method: 'POST' });

export const listAudit = (params: Record<string, string | undefined>) => api<Page<AuditRow>>(`/v1/audit${q({ limit: '100', ...params })}`);

export const listTokens = () => api<Page<TokenRow>>('/v1/tokens').then(pageItems);
/** Makes a token: the answer carries the token itself, the only time the server shows it. */
export const createToken = (body: { scope: TokenScope; name: string; sourceId?: string }) => api<TokenRow & { token: string }>('/v1/tokens', { method: 'POST', body });
export const revokeToken = (id: string) => api<TokenRow>(`/v1/tokens/${encodeURIComponent(id)}/revoke`, { method: 'POST' });

/** A date input's `YYYY-MM-DD` as the instant the API wants: the start of that UTC day, or the end. */
export function dayInstant(day: string, end = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return end ? `${day}T23:59:59.999Z` : `${day}T00:00:00.000Z`;
}
/** The newest HR imports (files and changes files; imports from apps are on each app's page). */
export const listImports = () => api<Page<ImportRunRow>>('/v1/imports?source=hr').then(pageItems);

// Messages between the page and the simulation worker. Everything is plain data: the worker
// keeps the population and the last plans, the page asks for pages of rows and explanations.
import type { ExplainNode } from '../../../../engine/explain.ts';
import type { ActionType, Diagnostic, ObservedState, PlanHold, SourceFile, User } from '../../../../engine/types.ts';
import type { PopulationSource } from './population-source.ts';

export interface ActionRow {
  id: string;
  type: ActionType;
  userId?: string;
  groupId?: string;
  appId?: string;
  role?: string;
  notBefore?: string;
  summary: string;
  rules: string[];
}

export interface DiffRow extends ActionRow {
  kind: 'added' | 'removed' | 'changed';
}

export interface ActionFilter {
  type?: string;
  appId?: string;
  /** Substring of the user id, group id or reason. */
  text?: string;
}

export interface CountRow {
  appId: string;
  type: string;
  count: number;
}

export interface DiffCountRow {
  target: string;
  type: string;
  added: number;
  removed: number;
  changed: number;
}

export interface SimulationSummary {
  version: string;
  users: number;
  actions: number;
  counts: CountRow[];
  diagnostics: Diagnostic[];
  compileDiagnostics: Diagnostic[];
  held: boolean;
  holds: PlanHold[];
  /**
   * Milliseconds in the worker: compile (both versions), then either evaluate and plan (one
   * version) or `bothMs` (both versions evaluated and planned a slice at a time) and `compareMs`.
   */
  timings: { compileMs: number; evaluateMs?: number; planMs?: number; bothMs?: number; compareMs?: number; totalMs: number };
  diff?: {
    baseVersion: string;
    baseActions: number;
    unchanged: number;
    changes: number;
    summary: DiffCountRow[];
    baseErrors: number;
  };
}

export type WorkerRequest =
  | { type: 'population'; users: User[]; observed?: ObservedState }
  /** Read inside the worker (the page posts a File or the text, never the parsed users). */
  | { type: 'population-source'; source: PopulationSource }
  | { type: 'simulate'; files: SourceFile[]; baseFiles?: SourceFile[]; asOf: string }
  | { type: 'actions'; filter: ActionFilter; offset: number; limit: number }
  | { type: 'diff'; filter: ActionFilter & { kind?: string }; offset: number; limit: number }
  | { type: 'explain'; userId: string; side?: 'head' | 'base' }
  | { type: 'compile'; files: SourceFile[] };

export type WorkerResult =
  /** `observed`: what the apps hold that the plans start from (none: every desired grant is new). */
  | { type: 'population'; users: number; observed?: { accounts: number; memberships: number } }
  | { type: 'simulate'; summary: SimulationSummary }
  | { type: 'actions'; total: number; rows: ActionRow[] }
  | { type: 'diff'; total: number; rows: DiffRow[] }
  | { type: 'explain'; node: ExplainNode | null; text: string }
  | { type: 'compile'; diagnostics: Diagnostic[]; version: string };

/** `status`: the HTTP status of an API request the worker made that failed (401: the session is gone). */
export type WorkerMessage = { id: number; ok: true; result: WorkerResult } | { id: number; ok: false; error: string; status?: number };

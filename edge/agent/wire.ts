// What travels between the edge's agent API and the agent: one unit of work (an outbox action
// with what the agent needs to apply it) and its result. Shared by edge/routes/agent.ts and
// the agent process so both sides read the same shapes.
import type { Action, Json } from '../../engine/types.ts';
import type { AccountLink, ApplyResult } from '../connectors/types.ts';

export interface AgentWork {
  id: string;
  /** Deliveries so far, this one included. */
  attempts: number;
  action: Action;
  /** The user's account in this directory as Roster last saw it (`externalId` is its DN). */
  link?: AccountLink;
  /** `password.set` only, unsealed by the edge for this delivery. */
  password?: string;
}

export interface PullResponse {
  items: AgentWork[];
}

export type AgentResult = ApplyResult & { ldapCode?: number; unreachable?: boolean };

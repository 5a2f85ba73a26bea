// What travels between the edge's agent API and the agent: one unit of work (an outbox action
// with what the agent needs to apply it) and its result. Shared by edge/routes/agent.ts and
// the agent process so both sides read the same shapes.
import { z } from 'zod';
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

const jsonValue: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));
const status = z.enum(['active', 'suspended', 'deactivated']);

export const agentResultSchema = z.union([
  z.object({
    ok: z.literal(true),
    effect: z.enum(['applied', 'already']),
    account: z.union([z.object({ externalId: z.string().optional(), status, attributes: z.record(z.string(), jsonValue).optional() }), z.object({ removed: z.literal(true) })]).optional(),
    note: z.string().max(2000).optional(),
  }),
  z.object({
    ok: z.literal(false),
    error: z.string().max(2000),
    retryable: z.boolean(),
    ldapCode: z.number().int().optional(),
    /** The directory could not be reached: the action goes back without spending a try. */
    unreachable: z.boolean().optional(),
  }),
]);

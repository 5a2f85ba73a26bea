// The messages Roster puts on Cloudflare Queues, written once as zod schemas: the producer
// (`runtime.enqueue`) refuses a message its queue would not accept, and the consumer parses
// every body before acting on it. Each queue carries one kind; `kind` names it in the body too.
import { z } from 'zod';

/** Outbox actions to deliver (ids only: the outbox row is the truth, the message a nudge). */
export const dispatchMessage = z
  .object({
    kind: z.literal('dispatch'),
    actionIds: z.array(z.string().min(1)).min(1).max(100),
  })
  .strict();

/**
 * One shard of a reconciliation: the identities whose id is in `[fromId, toId)` (open ends
 * when absent), planned against the active rules at `asOf`.
 */
export const reconcileMessage = z
  .object({
    kind: z.literal('reconcile'),
    /** Shared by every shard of one reconciliation; each shard's run id derives from it. */
    reconcileId: z.string().min(1),
    shard: z.number().int().min(0),
    fromId: z.string().optional(),
    toId: z.string().optional(),
    asOf: z.iso.datetime(),
    trigger: z.enum(['cron', 'admin']),
  })
  .strict();

export type DispatchMessage = z.infer<typeof dispatchMessage>;
export type ReconcileMessage = z.infer<typeof reconcileMessage>;

/** The queues by the name `runtime.enqueue(name, message)` uses, each with its message schema. */
export const queueSchemas = {
  dispatch: dispatchMessage,
  reconcile: reconcileMessage,
} as const;

export type QueueName = keyof typeof queueSchemas;

export function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(queueSchemas, name);
}

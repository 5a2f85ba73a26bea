// The consumer side: every message of a batch is parsed against its kind's schema and handed
// to that kind's handler. A handled message is acked; one whose handler throws is retried
// with backoff (after the queue's max_retries it goes to the dead-letter queue); a message no
// handler can read is acked and logged, since retrying cannot make it readable.
import type { ZodType } from 'zod';
import type { Runtime } from '../runtime.ts';
import type { QueueBatch } from './bindings.ts';
import { dispatchBatch } from './dispatch.ts';
import type { DispatchMessage, ReconcileMessage } from './messages.ts';
import { dispatchMessage, reconcileMessage } from './messages.ts';
import { reconcileShard } from './reconcile.ts';
import { loggable } from '../http/errors.ts';

export interface QueueHandler<T> {
  schema: ZodType<T>;
  handle(runtime: Runtime, message: T): Promise<unknown>;
}

export interface QueueHandlers {
  dispatch: QueueHandler<DispatchMessage>;
  reconcile: QueueHandler<ReconcileMessage>;
}

export const queueHandlers: QueueHandlers = {
  dispatch: { schema: dispatchMessage, handle: (runtime, message) => dispatchBatch(runtime, message.actionIds) },
  reconcile: { schema: reconcileMessage, handle: reconcileShard },
};

export interface ConsumeReport {
  acked: string[];
  retried: string[];
  dropped: { id: string; reason: string }[];
}

export async function consumeBatch(runtime: Runtime, batch: QueueBatch, handlers: QueueHandlers = queueHandlers): Promise<ConsumeReport> {
  const report: ConsumeReport = { acked: [], retried: [], dropped: [] };
  for (const message of batch.messages) {
    const kind = (message.body as { kind?: unknown } | null)?.kind;
    const handler = typeof kind === 'string' && Object.hasOwn(handlers, kind) ? (handlers[kind as keyof QueueHandlers] as QueueHandler<unknown>) : undefined;
    const parsed = handler?.schema.safeParse(message.body);
    if (!handler || !parsed?.success) {
      const reason = handler ? `malformed \`${String(kind)}\` message: ${parsed?.error?.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}` : `unknown message kind \`${String(kind)}\``;
      runtime.log({ level: 'error', msg: 'queue message dropped', queue: batch.queue, messageId: message.id, reason });
      message.ack();
      report.dropped.push({ id: message.id, reason });
      continue;
    }
    try {
      await handler.handle(runtime, parsed.data);
      message.ack();
      report.acked.push(message.id);
    } catch (error) {
      const delaySeconds = Math.min(10 * 2 ** (message.attempts - 1), 3600);
      runtime.log({ level: 'error', msg: 'queue message failed', queue: batch.queue, messageId: message.id, kind, attempts: message.attempts, retryInSeconds: delaySeconds, error: loggable(error) });
      message.retry({ delaySeconds });
      report.retried.push(message.id);
    }
  }
  return report;
}

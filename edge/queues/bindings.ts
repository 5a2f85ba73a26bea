// The few Cloudflare Queues shapes Roster touches, typed structurally so the edge needs no
// Workers type package: a producer binding, and the batch a consumer receives.

export interface QueueProducer<T> {
  send(body: T, options?: { delaySeconds?: number }): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: T; delaySeconds?: number }>): Promise<unknown>;
}

export interface QueueMessage<T = unknown> {
  readonly id: string;
  readonly body: T;
  /** 1 on first delivery. */
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface QueueBatch<T = unknown> {
  readonly queue: string;
  readonly messages: readonly QueueMessage<T>[];
}

// The page's side of the simulation worker: one request in flight per call, answered by id.
import { ApiFailure } from '../api.ts';
import type { WorkerMessage, WorkerRequest, WorkerResult } from './protocol.ts';

/** The answer to a request: same type name, except a population source answers as a population. */
type Result<T extends WorkerRequest['type']> = Extract<WorkerResult, { type: T extends 'population-source' ? 'population' : T }>;

export class SimulationClient {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL('../../worker/simulate.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const waiter = this.pending.get(event.data.id);
      if (!waiter) return;
      this.pending.delete(event.data.id);
      if (event.data.ok) waiter.resolve(event.data.result);
      else if (event.data.status === undefined) waiter.reject(new Error(event.data.error));
      else waiter.reject(new ApiFailure(event.data.status, `http_${event.data.status}`, event.data.error));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error('the simulator stopped unexpectedly; reload the page to start it again');
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
  }

  request<R extends WorkerRequest>(request: R): Promise<Result<R['type']>> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: WorkerResult) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }
}

let shared: SimulationClient | undefined;

/** One worker for the whole page: the population is loaded once and reused. */
export function simulationClient(): SimulationClient {
  shared ??= new SimulationClient();
  return shared;
}

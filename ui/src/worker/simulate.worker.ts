// The simulation worker: the engine runs here so the page never stalls, however big the run.
import { handle, newSession } from '../lib/sim/engine-session.ts';
import type { WorkerMessage, WorkerRequest } from '../lib/sim/protocol.ts';

const state = newSession();

self.onmessage = (event: MessageEvent<{ id: number; request: WorkerRequest }>) => {
  const { id, request } = event.data;
  let message: WorkerMessage;
  try {
    message = { id, ok: true, result: handle(state, request, () => performance.now()) };
  } catch (error) {
    message = { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(message);
};

// The simulation worker: the engine runs here so the page never stalls, however big the run.
// The population is read here too (parsed, or fetched from the API), never on the page.
import '../lib/zod-jitless.ts';
import { ApiFailure } from '../lib/api.ts';
import { handle, newSession } from '../lib/sim/engine-session.ts';
import { readPopulation } from '../lib/sim/population-source.ts';
import type { WorkerMessage, WorkerRequest, WorkerResult } from '../lib/sim/protocol.ts';

const state = newSession();

async function answer(request: WorkerRequest): Promise<WorkerResult> {
  if (request.type !== 'population-source') return handle(state, request, () => performance.now());
  // The population before is dropped first: a read that fails leaves none, not the old one or a part of the new.
  handle(state, { type: 'population', users: [] }, () => performance.now());
  const { users, observed } = await readPopulation(request.source);
  return handle(state, { type: 'population', users, ...(observed ? { observed } : {}) }, () => performance.now());
}

self.onmessage = async (event: MessageEvent<{ id: number; request: WorkerRequest }>) => {
  const { id, request } = event.data;
  let message: WorkerMessage;
  try {
    message = { id, ok: true, result: await answer(request) };
  } catch (error) {
    message = { id, ok: false, error: error instanceof Error ? error.message : String(error), ...(error instanceof ApiFailure ? { status: error.status } : {}) };
  }
  self.postMessage(message);
};

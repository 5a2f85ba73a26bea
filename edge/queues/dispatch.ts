// A dispatch message's actions, delivered by the dispatcher (edge/dispatch): the same claims,
// connectors, per-app limits, backoff, dead letters and quarantine as on Node. One dispatcher
// per runtime, so an isolate keeps each app's limits and health across batches. Actions no
// longer due (done, held, scheduled later, claimed elsewhere) are skipped by the dispatcher;
// an app whose connector does not run here (`ldap`, delivered by the agent) leaves its actions
// pending.
import type { Dispatcher, DispatcherOptions } from '../dispatch/dispatcher.ts';
import { createDispatcher } from '../dispatch/dispatcher.ts';
import type { Runtime } from '../runtime.ts';

/** Options for every dispatcher the queue consumer makes (connector factories in tests). */
export const dispatcherOptions: DispatcherOptions = {};

const dispatchers = new WeakMap<Runtime, Dispatcher>();

/** Delivers the named actions that are due; resolves when each has settled. Returns how many were claimed. */
export async function dispatchBatch(runtime: Runtime, actionIds: readonly string[]): Promise<number> {
  let dispatcher = dispatchers.get(runtime);
  if (!dispatcher) dispatchers.set(runtime, (dispatcher = createDispatcher(runtime, dispatcherOptions)));
  const claimed = await dispatcher.tick(actionIds);
  await dispatcher.drain();
  return claimed;
}

// A dispatch message's actions (or a user's, provisioned on demand), delivered by the
// dispatcher (edge/dispatch): the same claims, connectors, per-app limits, backoff, dead letters
// and quarantine as on Node. One dispatcher per runtime (`runtimeDispatcher`), so an isolate
// keeps each app's limits and health across batches. Actions no longer due (done, held,
// scheduled later, claimed elsewhere) are skipped by the dispatcher; an app whose connector
// does not run here (`ldap`, delivered by the agent) leaves its actions pending.
import type { DispatcherOptions } from '../dispatch/dispatcher.ts';
import { runtimeDispatcher } from '../dispatch/dispatcher.ts';
import type { Runtime } from '../runtime.ts';

/** Options for the runtime's dispatcher when this makes it (connector factories in tests). */
export const dispatcherOptions: DispatcherOptions = {};

/** Delivers the named actions that are due; resolves when each has settled. Returns how many were claimed. */
export function dispatchBatch(runtime: Runtime, actionIds: readonly string[]): Promise<number> {
  return runtimeDispatcher(runtime, dispatcherOptions).deliverNow(actionIds);
}

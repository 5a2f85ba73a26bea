// Everything that runs in the background of a Node process (`npm start`): the dispatcher over
// the outbox, the daily digest of open manual tasks, scheduled drift checks of every app whose
// connector can read it, and a scheduled reconcile of every user (as the Workers cron does):
// what depends on the date (a hire's staging window opening, a start date reached) needs a plan
// made on that date. `stop()` lets deliveries in flight finish: nothing queued is lost, since
// undelivered actions stay in the outbox.
import { sendTaskDigests } from '../connectors/manual/digest.ts';
import { nodemailerMailer } from '../connectors/manual/nodemailer.ts';
import { connectorDefinitions } from '../connectors/registry.ts';
import { checkDrift } from '../connectors/sync/drift.ts';
import type { Mailer } from '../connectors/types.ts';
import { listApps } from '../db/repos/apps.ts';
import type { Runtime } from '../runtime.ts';
import { loadRuleSet } from '../services/engine.ts';
import { reconcile } from '../services/reconcile.ts';
import type { Dispatcher, DispatcherOptions } from './dispatcher.ts';
import { createDispatcher, shareDispatcher } from './dispatcher.ts';
import { loggable } from '../http/errors.ts';

export interface BackgroundOptions extends DispatcherOptions {
  /** How often to check drift (ms); 0 turns it off (default 6 h). */
  driftEveryMs?: number;
  /** How often to see whether today's digests are due (ms, default 10 min). */
  digestEveryMs?: number;
  /** How often to reconcile every user (ms); 0 turns it off (default 1 h, as the Workers cron). */
  reconcileEveryMs?: number;
}

export interface Background {
  dispatcher: Dispatcher;
  stop(): Promise<void>;
}

export function startBackground(runtime: Runtime, options: BackgroundOptions = {}): Background {
  const mailer: Mailer = options.mailer ?? nodemailerMailer;
  const dispatcher = createDispatcher(runtime, { ...options, mailer });
  shareDispatcher(runtime, dispatcher);
  void dispatcher.run();
  const log = (msg: string, error: unknown) => runtime.log({ level: 'error', msg, error: loggable(error) });
  const timers: ReturnType<typeof setInterval>[] = [];
  const digests = async () => {
    const report = await sendTaskDigests({ db: runtime.db, mailer, sealKey: runtime.sealKey, now: runtime.now, ...(options.owners ? { owners: options.owners } : {}) });
    for (const sent of report.sent) runtime.log({ level: 'info', msg: 'task digest sent', appId: sent.appId, tasks: sent.tasks });
  };
  timers.push(setInterval(() => void digests().catch((e) => log('task digest failed', e)), options.digestEveryMs ?? 10 * 60_000));
  const driftEvery = options.driftEveryMs ?? 6 * 3600_000;
  if (driftEvery > 0) {
    const drift = async () => {
      for (const app of await listApps(runtime.db)) {
        if (!connectorDefinitions.has(app.connector) || app.connector === 'manual' || app.connector === 'rest') continue;
        const check = await checkDrift(runtime, app.id);
        runtime.log({ level: check.findings.length > 0 ? 'warn' : 'info', msg: 'drift check', appId: app.id, health: check.health, findings: check.findings.length, ...(check.error ? { error: check.error } : {}) });
      }
    };
    timers.push(setInterval(() => void drift().catch((e) => log('drift check failed', e)), driftEvery));
  }
  const reconcileEvery = options.reconcileEveryMs ?? 3600_000;
  if (reconcileEvery > 0) {
    let running = false;
    const scheduled = async () => {
      // One at a time: a run that outlasts the interval is not started twice.
      if (running || !(await loadRuleSet(runtime.db))) return;
      running = true;
      try {
        const { run, queued } = await reconcile(runtime, {}, { at: runtime.now(), actor: 'system:schedule' });
        runtime.log({ level: 'info', msg: 'scheduled reconcile', runId: run.id, status: run.status, queued });
      } finally {
        running = false;
      }
    };
    timers.push(setInterval(() => void scheduled().catch((e) => log('scheduled reconcile failed', e)), reconcileEvery));
  }
  for (const t of timers) t.unref?.();
  return {
    dispatcher,
    async stop() {
      for (const t of timers) clearInterval(t);
      await dispatcher.stop();
    },
  };
}

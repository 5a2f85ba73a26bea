// Manual apps: each `task.manual` becomes a stored task (one per action id, so a re-delivery
// never makes two) and an email to the app's owners. The account is recorded only when an
// admin confirms the task done (edge/routes/connectors.ts).
import { createManualTask } from '../../db/repos/manual-tasks.ts';
import type { Connector, ConnectorDefinition } from '../types.ts';
import { already, applied, failure } from '../types.ts';
import type { ManualConfig } from './config.ts';
import { manualConfigSchema } from './config.ts';
import { taskMessage } from './mail.ts';

export const manualConnector: ConnectorDefinition<ManualConfig> = {
  kind: 'manual',
  config: manualConfigSchema,
  create(config, deps): Connector {
    return {
      async apply({ action, attempt }) {
        if (action.type !== 'task.manual') return failure(`a manual app takes tasks, not \`${action.type}\``, false);
        const fromAction = Array.isArray(action.attributes?.owners) ? action.attributes.owners.filter((o): o is string => typeof o === 'string') : [];
        const owners = config.owners ?? (deps.owners && deps.owners.length > 0 ? deps.owners : fromAction);
        if (owners.length === 0) return failure(`app \`${deps.appId}\` has no owners to send the task to`, false);
        const description = typeof action.attributes?.task === 'string' ? action.attributes.task : `${action.type} for \`${action.userId}\``;
        const { created, task } = await createManualTask(
          deps.db,
          { id: deps.newId(), actionId: action.id, appId: deps.appId, userId: action.userId ?? null, description, owners },
          { at: deps.now(), actor: 'dispatcher' },
          // A done task meets the first try of an action queued again (a rehire): a new need, so
          // it opens again. A later try (a retry, a redelivery after a crash) may meet the task
          // the first one created and an admin has since done: that stands.
          { reopenDone: attempt === undefined || attempt <= 1 },
        );
        if (!created && task.status === 'done') return already(undefined, `task done at ${task.doneAt ?? '?'} by \`${task.doneBy ?? '?'}\``);
        if (!config.smtp) return applied(undefined, 'task stored; no smtp configured, so no email');
        if (!deps.mailer) return failure('no mail transport in this runtime', false);
        // A re-delivery after a crash may send the email again; the task itself stays one.
        try {
          await deps.mailer(config.smtp, taskMessage(task, { id: deps.appId, name: deps.appName }, config.smtp.from, config.consoleUrl));
        } catch (error) {
          return failure(`smtp: ${error instanceof Error ? error.message : String(error)}`, true);
        }
        return applied(undefined, created ? 'task created and emailed' : 'task emailed again');
      },
    };
  },
};

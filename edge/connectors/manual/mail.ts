// The text of task emails: one per new task, and the daily digest of tasks still open. Plain
// text: it names the user, the app and what to do, and how to confirm it done.
import type { ManualTask } from '../../db/repos/manual-tasks.ts';
import type { MailMessage } from '../types.ts';

export function taskMessage(task: ManualTask, app: { id: string; name: string }, from: string, consoleUrl?: string): MailMessage {
  return {
    from,
    to: task.owners,
    subject: `[Roster] ${app.name}: ${task.description}`,
    text: [
      `Roster needs a change in ${app.name}, which has no API.`,
      '',
      `User: ${task.userId ?? '(none)'}`,
      `To do: ${task.description}`,
      `Task: ${task.id}`,
      '',
      confirmLine(task, consoleUrl),
    ].join('\n'),
  };
}

export function digestMessage(tasks: readonly ManualTask[], app: { id: string; name: string }, to: string[], from: string, consoleUrl?: string): MailMessage {
  return {
    from,
    to,
    subject: `[Roster] ${app.name}: ${tasks.length} open task${tasks.length === 1 ? '' : 's'}`,
    text: [
      `These tasks in ${app.name} are still open:`,
      '',
      ...tasks.map((t) => `- ${t.description} (user ${t.userId ?? '(none)'}, task ${t.id}, since ${t.createdAt})`),
      '',
      consoleUrl ? `Confirm each one done at ${consoleUrl}.` : 'Confirm each one done with POST /v1/tasks/{task}/done.',
    ].join('\n'),
  };
}

function confirmLine(task: ManualTask, consoleUrl?: string): string {
  return consoleUrl ? `When it is done, confirm it at ${consoleUrl} (task ${task.id}).` : `When it is done, confirm it: POST /v1/tasks/${task.id}/done`;
}

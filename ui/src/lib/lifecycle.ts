// What a lifecycle operation's answer means to the admin who asked for it. A run the safety
// gates hold keeps the change waiting with its actions: the user stays as they are (a held
// delete too) until an admin approves the run; rejecting it drops both.
export interface LifecycleAnswer {
  run: { id: string; status: string; heldReasons: string[] } | null;
  actions: unknown[];
  applied: boolean;
}

export function lifecycleOutcome(operation: string, answer: LifecycleAnswer): string {
  const count = `${answer.actions.length} action${answer.actions.length === 1 ? '' : 's'}`;
  if (answer.applied) return `${operation}: done, ${count} planned`;
  const why = answer.run && answer.run.heldReasons.length > 0 ? `: ${answer.run.heldReasons.join('; ')}` : '';
  return `${operation}: waiting for approval (held run ${answer.run?.id ?? '?'}${why}); the user stays as they are until it is approved, and ${count} ${answer.actions.length === 1 ? 'waits' : 'wait'} with it`;
}

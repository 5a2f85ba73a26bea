// Delegated logins waiting for a directory agent: the edge cannot reach the directory, so a
// login is handed to the agent on its next poll, which binds as the user and answers. Held in
// this process's memory only (one Node edge), never written anywhere, never logged.
export interface LoginAnswer {
  ok: boolean;
  /** The user's entry as Roster attributes (mapped by the agent), when the bind succeeded. */
  entry?: Record<string, unknown>;
  /** Why the agent could not check (directory unreachable); a wrong password has none. */
  error?: string;
}

interface Pending {
  id: string;
  appId: string;
  username: string;
  password: string;
  handedOut: boolean;
  resolve(answer: LoginAnswer | undefined): void;
}

const pending = new Map<string, Pending>();

/** Logins for `appId` not yet handed to an agent; marks them handed out. */
export function pendingLogins(appId: string): { id: string; username: string; password: string }[] {
  const out: { id: string; username: string; password: string }[] = [];
  for (const p of pending.values()) {
    if (p.appId !== appId || p.handedOut) continue;
    p.handedOut = true;
    out.push({ id: p.id, username: p.username, password: p.password });
  }
  return out;
}

/** Waits for an agent's answer; `undefined` when none came within `timeoutMs`. */
export function requestLogin(appId: string, id: string, username: string, password: string, timeoutMs: number): Promise<LoginAnswer | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (answer: LoginAnswer | undefined) => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(answer);
    };
    pending.set(id, { id, appId, username, password, handedOut: false, resolve: finish });
  });
}

export function answerLogin(appId: string, id: string, answer: LoginAnswer): boolean {
  const p = pending.get(id);
  if (!p || p.appId !== appId) return false;
  p.resolve(answer);
  return true;
}

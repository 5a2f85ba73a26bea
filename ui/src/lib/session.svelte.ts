// Who is signed in. The token itself is sent once, to `POST /v1/session`, and never kept in
// the page: the server answers with an HttpOnly cookie the browser sends from then on.
import { api, onSignedOut } from './api.ts';

export interface SessionInfo {
  tokenId: string;
  name: string;
  scope: string;
  expiresAt?: string;
}

/** `ended`: why sign-in is back mid-session (a 401), and what that left undone, until the next sign-in. */
export const session = $state<{ checked: boolean; info: SessionInfo | null; ended: string | null }>({ checked: false, info: null, ended: null });

onSignedOut((lost) => {
  // A second 401 from the same moment only adds what it left undone.
  if (!session.info && !lost) return;
  session.info = null;
  session.ended = `you were signed out (the session ended or its token was revoked)${lost ? `: ${lost}` : ''}`;
});

export async function checkSession(): Promise<void> {
  try {
    session.info = await api<SessionInfo>('/v1/session');
  } catch {
    session.info = null;
  }
  session.checked = true;
}

export async function signIn(token: string): Promise<void> {
  session.info = await api<SessionInfo>('/v1/session', { method: 'POST', body: { token } });
  session.ended = null;
}

/**
 * Ends the session, then loads the page afresh: what the screens kept in memory (a searched list,
 * the simulator's population) and this tab's working copy of the rules must not greet whoever
 * signs in next. The address loses its screen, so the next person starts at the dashboard.
 */
export async function signOut(): Promise<void> {
  try {
    await api('/v1/session', { method: 'DELETE' });
  } finally {
    sessionStorage.clear();
    // An address without a `#` is a new page load, not a move within this one; the sign-in form
    // comes with the new page, so nothing is typed into one that is about to go.
    location.replace(location.pathname);
  }
}

export const canWrite = (): boolean => session.info?.scope === 'admin';

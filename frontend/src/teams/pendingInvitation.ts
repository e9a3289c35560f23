/**
 * An invitation opened while signed out, remembered in this browser so that the user finds their
 * way back to it after signing up: sign-up sends a verification e-mail, whose link opens a new tab
 * and leads to the login page without the invitation's address. After logging in, the app header
 * offers the invitation again (see PendingInvitationBanner).
 */
const KEY = 'scrollkeeper.pendingInvitation';

export interface PendingInvitation {
  token: string;
  teamName: string;
  /** The invited address: only a user signed in with it is reminded. */
  email: string;
}

export function rememberInvitation(invitation: PendingInvitation) {
  localStorage.setItem(KEY, JSON.stringify(invitation));
}

export function pendingInvitation(): PendingInvitation | null {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return null;
    const { token, teamName, email } = value as Record<string, unknown>;
    if (typeof token !== 'string' || typeof teamName !== 'string' || typeof email !== 'string') return null;
    return { token, teamName, email };
  } catch {
    return null;
  }
}

/** Forgets the invitation (accepted, dismissed, or no longer usable); a `token` forgets only that one. */
export function forgetInvitation(token?: string) {
  if (token === undefined || pendingInvitation()?.token === token) localStorage.removeItem(KEY);
}

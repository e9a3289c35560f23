import type { AuditEvent, UserRef } from '../api/types';
import { roleLabel, withArticle } from './roles';

export interface AuditDescription {
  /** What was done, in words: "Changed role from Editor to Viewer". */
  action: string;
  /** Whom or what it was done to, if anyone: a person, an e-mail address, a name. */
  target: string | null;
}

type Data = Record<string, unknown>;

const text = (data: Data, key: string) => (typeof data[key] === 'string' ? data[key] : '');
const person = (user: UserRef | null) => (user ? user.name || user.email : null);
const quoted = (data: Data, key: string) => (text(data, key) ? `“${text(data, key)}”` : null);

/** "document.uploaded" → "Document uploaded", for actions recorded by apps this file does not know. */
function fallback(action: string) {
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An audit event in words, for people rather than for machines. */
export function describeAuditEvent(event: AuditEvent): AuditDescription {
  const data: Data = typeof event.data === 'object' && event.data !== null ? (event.data as Data) : {};
  const target = person(event.target_user);
  switch (event.action) {
    case 'team.created':
      return { action: 'Created the team', target: text(data, 'name') || null };
    case 'team.updated': {
      const name = (typeof data.name === 'object' && data.name !== null ? data.name : {}) as Data;
      return {
        action: 'Renamed the team',
        target: `from “${text(name, 'from')}” to “${text(name, 'to')}”`,
      };
    }
    case 'team.ownership_transferred':
      return { action: 'Transferred ownership to', target };
    case 'member.invited':
      return { action: `Invited as ${withArticle(text(data, 'role'))}`, target: text(data, 'email') || null };
    case 'member.joined':
      return { action: `Joined as ${withArticle(text(data, 'role'))}`, target: null };
    case 'member.removed':
      return { action: 'Removed from the team', target };
    case 'member.left':
      return { action: 'Left the team', target: null };
    case 'member.role_changed':
      return {
        action: `Changed role from ${roleLabel(text(data, 'from'))} to ${roleLabel(text(data, 'to'))}`,
        target,
      };
    case 'invitation.resent':
      return { action: 'Resent the invitation of', target: text(data, 'email') || null };
    case 'invitation.revoked':
      return { action: 'Revoked the invitation of', target: text(data, 'email') || null };
    case 'document.uploaded':
      return { action: 'Uploaded a document', target: quoted(data, 'title') };
    case 'document.version_uploaded':
      return {
        action:
          typeof data.version === 'number'
            ? `Uploaded version ${data.version} of`
            : 'Uploaded a new version of',
        target: quoted(data, 'title'),
      };
    case 'document.renamed':
      return {
        action: 'Renamed a document',
        target: `from “${text(data, 'from')}” to “${text(data, 'to')}”`,
      };
    case 'document.deleted':
      return { action: 'Deleted a document', target: quoted(data, 'title') };
    default:
      return { action: fallback(event.action), target };
  }
}

/** Who did it; the account may have been deleted since. */
export const auditActor = (event: AuditEvent) => person(event.actor) ?? 'A deleted account';

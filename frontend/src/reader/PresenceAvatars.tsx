import { useNavigate } from 'react-router';
import { useSignedInUser } from '../api/auth';
import type { PresenceViewer } from '../api/events';
import { usePresence } from '../realtime/presence';
import './presence.css';

const SHOWN = 5;

/** "Ada Lovelace" → "AL", "bob@example.com" → "B". */
export function initialsOf(name: string): string {
  const words = name
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => [...word][0].toUpperCase()).join('') || '?';
}

/** The same colour for a user everywhere and every time: a hue taken from their id. */
export function colourOfUser(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 38%)`;
}

export const presenceLabel = (viewer: PresenceViewer) => `${viewer.name} — page ${viewer.page + 1}`;

/**
 * The other members reading this document now, as avatars; a click goes to the page they are on.
 * Fed by the socket's `presence.state` (the reader joins the document and reports its page).
 */
export function PresenceAvatars({ documentId }: { documentId: string }) {
  const me = useSignedInUser();
  const navigate = useNavigate();
  const others = usePresence(documentId).filter((viewer) => viewer.user_id !== me.id);
  if (others.length === 0) return null;
  const hidden = others.slice(SHOWN);
  return (
    <ul className="presence-avatars" aria-label="Also reading">
      {others.slice(0, SHOWN).map((viewer) => (
        <li key={viewer.user_id}>
          <button
            type="button"
            className="presence-avatar"
            style={{ background: colourOfUser(viewer.user_id) }}
            title={presenceLabel(viewer)}
            aria-label={presenceLabel(viewer)}
            data-user-id={viewer.user_id}
            onClick={() => navigate({ hash: `page=${viewer.page + 1}` })}
          >
            <span aria-hidden="true">{initialsOf(viewer.name)}</span>
          </button>
        </li>
      ))}
      {hidden.length > 0 && (
        <li className="presence-more" title={hidden.map(presenceLabel).join('\n')}>
          +{hidden.length}
        </li>
      )}
    </ul>
  );
}

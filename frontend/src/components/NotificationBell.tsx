import { useId, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useMarkNotificationsRead, useNotifications } from '../api/notifications';
import type { UserNotification } from '../api/types';
import { annotationAddress } from '../annotations/AnnotationFromAddress';
import { formatDateTime } from '../lib/formatDateTime';
import { useDismiss } from '../lib/useDismiss';
import './notifications.css';

const EXCERPT_LENGTH = 140;

export const bellLabel = (unread: number) =>
  unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;

const whoMentioned = (item: UserNotification) =>
  `${item.actor?.name || item.actor?.email || 'A former member'} mentioned you in ${item.document_title}`;

/**
 * The bell in the top bar: how many mentions of the user in this team are unread (kept live by the
 * socket's `notification.created`), and the newest of them; one opens the reader at its thread.
 */
export function NotificationBell({ teamId }: { teamId: string }) {
  const notifications = useNotifications(teamId);
  const markRead = useMarkNotificationsRead(teamId);
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const unread = notifications.data?.unread_count ?? 0;
  const items = notifications.data?.results ?? [];

  useDismiss(open, rootRef, buttonRef, () => setOpen(false));

  function openItem(item: UserNotification) {
    if (!item.read_at) markRead.mutate([item.id]);
    setOpen(false);
    navigate(annotationAddress(item.team_id, item.document_id, item.annotation_id, item.page_index));
  }

  return (
    <div className="notification-bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="button button-quiet notification-bell-button"
        aria-label={bellLabel(unread)}
        aria-expanded={open}
        aria-controls={panelId}
        title={bellLabel(unread)}
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" className="notification-icon">
          <path
            d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.8"
            strokeLinejoin="round"
          />
        </svg>
        {unread > 0 && (
          <span className="notification-count" aria-hidden="true" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div id={panelId} className="notification-panel" role="region" aria-label="Mentions">
          <div className="notification-panel-head">
            <h2>Mentions</h2>
            <button
              type="button"
              className="button button-quiet"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate(undefined)}
            >
              Mark all read
            </button>
          </div>
          {notifications.error ? (
            <p role="alert" className="notification-empty">
              {notifications.error.detail}
            </p>
          ) : !notifications.data ? (
            <p className="notification-empty" role="status">
              Loading…
            </p>
          ) : items.length === 0 ? (
            <p className="notification-empty">Nobody has mentioned you yet.</p>
          ) : (
            <ul className="notification-list">
              {items.map((item) => (
                <li key={item.id} className={item.read_at ? 'notification' : 'notification is-unread'}>
                  <button type="button" className="notification-open" onClick={() => openItem(item)}>
                    <span className="notification-title">
                      {!item.read_at && <span className="visually-hidden">Unread: </span>}
                      {whoMentioned(item)}
                    </span>
                    <span className="notification-excerpt">
                      {item.excerpt.length > EXCERPT_LENGTH
                        ? `${item.excerpt.slice(0, EXCERPT_LENGTH)}…`
                        : item.excerpt}
                    </span>
                    <span className="notification-meta">
                      p. {item.page_index + 1} ·{' '}
                      <time dateTime={item.created_at}>{formatDateTime(item.created_at)}</time>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {markRead.error && (
            <p role="alert" className="notification-empty">
              {markRead.error.detail}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { applyAnnotationEvent } from '../api/annotations';
import { authKeys } from '../api/auth';
import { documentKeys, libraryKeys, patchCachedDocument } from '../api/documents';
import { applyNotificationEvent } from '../api/notifications';
import {
  CLOSE_MEMBERSHIP_ENDED,
  CLOSE_UNAUTHENTICATED,
  type DocumentChangedEvent,
  type DocumentProgressEvent,
  type DocumentSubscription,
  type LiveEvent,
  type PresenceMessage,
} from '../api/events';
import { applyMembershipChanged, teamKeys } from '../api/teams';

/** Backoff between reconnection attempts: 1 s, 2 s, 4 s … up to 30 s, each with jitter. */
export const RECONNECT_BASE_MS = 1000;
export const RECONNECT_MAX_MS = 30_000;

export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** The same-origin websocket address (the Vite dev server proxies /ws/ to Django). */
export function liveSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/`;
}

/** Every cached query of every team's documents (lists, details, pages) and the notifications. */
const isDocumentQuery = ({ queryKey }: { queryKey: readonly unknown[] }) =>
  queryKey[0] === 'teams' && (queryKey[2] === 'documents' || queryKey[2] === 'notifications');

/** Presence entries expire after 30 s on the server (documents/presence.py) unless pinged. */
export const PRESENCE_PING_MS = 10_000;

// Refetches triggered by progress never cancel one already running (a burst would starve it). An event
// that ends a parse, or changes a document, does: a list fetched before it would otherwise come back
// with the state it had then, overwrite the event's, and nothing later would correct it.
const NO_CANCEL = { cancelRefetch: false } as const;
const AFTER_THIS = { cancelRefetch: true } as const;

function onProgress(queryClient: QueryClient, event: DocumentProgressEvent): void {
  const { team_id: teamId, document_id: documentId, state, pages_done, pages_total, error } = event;
  const listed = patchCachedDocument(queryClient, teamId, documentId, {
    state,
    pages_done,
    pages_total,
    error,
  });
  // A document the lists do not hold yet (uploaded by someone else), or one whose state changed in a
  // way a filtered list cares about: the lists refetch.
  const ended = state === 'ready' || state === 'failed';
  if (!listed || ended) {
    void queryClient.invalidateQueries(
      { queryKey: libraryKeys.lists(teamId) },
      ended ? AFTER_THIS : NO_CANCEL,
    );
  }
  if (ended) {
    void queryClient.invalidateQueries({ queryKey: documentKeys.detail(teamId, documentId) }, AFTER_THIS);
  }
}

function onChanged(queryClient: QueryClient, event: DocumentChangedEvent): void {
  const { team_id: teamId, document_id: documentId } = event;
  if (event.deleted) {
    queryClient.removeQueries({ queryKey: documentKeys.detail(teamId, documentId) });
  } else {
    void queryClient.invalidateQueries({ queryKey: documentKeys.detail(teamId, documentId) }, AFTER_THIS);
  }
  void queryClient.invalidateQueries({ queryKey: libraryKeys.lists(teamId) }, AFTER_THIS);
  void queryClient.invalidateQueries({ queryKey: libraryKeys.tags(teamId) }, AFTER_THIS);
}

/** Applies one message from /ws/ to the query cache. Unknown messages are ignored. */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  switch (event.type) {
    case 'document.progress':
      onProgress(queryClient, event);
      break;
    case 'document.changed':
      onChanged(queryClient, event);
      break;
    case 'collections.changed':
      // The lists show each document's collections and may be filtered by a deleted one.
      void queryClient.invalidateQueries({ queryKey: libraryKeys.collections(event.team_id) }, NO_CANCEL);
      void queryClient.invalidateQueries({ queryKey: libraryKeys.lists(event.team_id) }, NO_CANCEL);
      break;
    case 'annotation.created':
    case 'annotation.updated':
    case 'annotation.deleted':
    case 'reply.created':
    case 'reply.updated':
    case 'reply.deleted':
      applyAnnotationEvent(queryClient, event);
      break;
    case 'notification.created':
      applyNotificationEvent(queryClient, event);
      break;
    case 'membership.changed':
      applyMembershipChanged(queryClient, event.team_id);
      break;
  }
  for (const listener of listeners) listener(event);
}

// ---- Documents being viewed --------------------------------------------------
// The one socket is opened by useLiveUpdates; a reader asks it to hear one document's annotations.

/** Open documents, counted (two views of one document join it once). Sent again on every connection. */
const joined = new Map<string, number>();
/** The page (0-based) each open document shows, sent with the join and on every change (presence). */
const pages = new Map<string, number>();
const listeners = new Set<(event: LiveEvent) => void>();
let openSocket: WebSocket | null = null;

function joinMessage(documentId: string): DocumentSubscription {
  const page = pages.get(documentId);
  return { type: 'document.join', document_id: documentId, ...(page !== undefined && { page }) };
}

/** Tells the viewers of `documentId` which page (0-based) this tab shows; sent now if joined. */
export function setDocumentPage(documentId: string, page: number): void {
  if (pages.get(documentId) === page) return;
  pages.set(documentId, page);
  if (joined.has(documentId)) sendSubscription({ type: 'presence.page', document_id: documentId, page });
}

function sendSubscription(message: DocumentSubscription | PresenceMessage): void {
  // Set once open, cleared on close: a join made meanwhile is sent by the next onopen.
  openSocket?.send(JSON.stringify(message));
}

/** Hear `documentId`'s events on the socket, now and after every reconnection; returns the leave. */
export function joinDocument(documentId: string): () => void {
  const count = joined.get(documentId) ?? 0;
  joined.set(documentId, count + 1);
  if (count === 0) sendSubscription(joinMessage(documentId));
  return () => {
    const left = (joined.get(documentId) ?? 1) - 1;
    if (left > 0) {
      joined.set(documentId, left);
      return;
    }
    joined.delete(documentId);
    pages.delete(documentId);
    sendSubscription({ type: 'document.leave', document_id: documentId });
  };
}

/** Every message of the socket, after it was applied to the cache; returns the unsubscribe. */
export function subscribeLive(listener: (event: LiveEvent) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Joins the document over the socket while the calling component is mounted. */
export function useDocumentLive(documentId: string): void {
  useEffect(() => joinDocument(documentId), [documentId]);
}

/**
 * Keeps one websocket to /ws/ open while the user is signed in and applies its
 * events to the query cache, so every page shows other members' changes live.
 *
 * Reconnects with backoff after a drop. Each (re)connection invalidates the
 * cached documents, so whatever happened while disconnected is refetched over
 * REST. Close code 4403 (removed from a team) reconnects at once, and the server
 * then joins only the remaining teams; 4401 means the session ended.
 */
export function useLiveUpdates(enabled = true): void {
  const queryClient = useQueryClient();

  useEffect(() => {
    if (!enabled || typeof WebSocket === 'undefined') return;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    // While a document is open, the server is told every PRESENCE_PING_MS that this tab still is.
    const pinger = setInterval(() => {
      if (joined.size > 0) sendSubscription({ type: 'presence.ping' });
    }, PRESENCE_PING_MS);

    const connect = () => {
      timer = undefined;
      const current = new WebSocket(liveSocketUrl());
      socket = current;
      current.onopen = () => {
        attempt = 0;
        openSocket = current;
        for (const documentId of joined.keys()) sendSubscription(joinMessage(documentId));
        void queryClient.invalidateQueries({ predicate: isDocumentQuery }, NO_CANCEL);
      };
      current.onmessage = (message: MessageEvent) => {
        let event: LiveEvent;
        try {
          event = JSON.parse(String(message.data)) as LiveEvent;
        } catch {
          return;
        }
        applyLiveEvent(queryClient, event);
      };
      current.onclose = (close: CloseEvent) => {
        if (openSocket === current) openSocket = null;
        if (socket !== current) return;
        socket = null;
        if (stopped) return;
        if (close.code === CLOSE_UNAUTHENTICATED) {
          queryClient.setQueryData(authKeys.me, null);
          return;
        }
        if (close.code === CLOSE_MEMBERSHIP_ENDED) {
          // The team list and the team's pages change; the new socket hears only the other teams.
          void queryClient.invalidateQueries({ queryKey: teamKeys.all });
          attempt = 0;
          timer = setTimeout(connect, 0);
          return;
        }
        timer = setTimeout(connect, reconnectDelay(attempt++));
      };
    };

    // Back online: try now rather than at the end of the current backoff.
    const onOnline = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        attempt = 0;
        connect();
      }
    };

    connect();
    window.addEventListener('online', onOnline);
    return () => {
      stopped = true;
      clearInterval(pinger);
      window.removeEventListener('online', onOnline);
      if (timer !== undefined) clearTimeout(timer);
      const open = socket;
      socket = null;
      // Nothing more is sent on a socket being closed (its close event comes later, if at all).
      if (openSocket === open) openSocket = null;
      if (open?.readyState === WebSocket.CONNECTING) {
        // Closing a socket still connecting makes the browser log an error: it is closed once open.
        open.onopen = () => open.close(1000);
        open.onmessage = null;
      } else {
        open?.close(1000);
      }
    };
  }, [queryClient, enabled]);
}

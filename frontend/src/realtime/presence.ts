import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { PresenceViewer } from '../api/events';
import { setDocumentPage, subscribeLive } from './useLiveUpdates';

/** Scrolling past pages sends only the page the reader stops on. */
export const PRESENCE_PAGE_DEBOUNCE_MS = 500;

const NOBODY: PresenceViewer[] = [];
const viewers = new Map<string, PresenceViewer[]>();
const watchers = new Set<() => void>();

function notify(): void {
  for (const watcher of watchers) watcher();
}

// The latest `presence.state` of each document, whoever is showing it.
subscribeLive((event) => {
  if (event.type !== 'presence.state') return;
  viewers.set(event.document_id, event.viewers);
  notify();
});

function watch(watcher: () => void): () => void {
  watchers.add(watcher);
  return () => {
    watchers.delete(watcher);
  };
}

/** Who views `documentId` now (the signed-in user included), by name; updated live. */
export function usePresence(documentId: string): PresenceViewer[] {
  return useSyncExternalStore(
    watch,
    () => viewers.get(documentId) ?? NOBODY,
    () => NOBODY,
  );
}

/** Forgets what was heard about a document (its reader closed: the list is stale from now on). */
export function forgetPresence(documentId: string): void {
  if (viewers.delete(documentId)) notify();
}

/**
 * The reader reports its page (1-based) through the returned callback; the server hears the page
 * the reader settles on, debounced. The page is remembered at once so a (re)join carries it.
 */
export function usePresencePage(documentId: string): (pageNumber: number) => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const first = useRef(true);
  useEffect(() => {
    first.current = true;
    return () => {
      clearTimeout(timer.current);
      forgetPresence(documentId);
    };
  }, [documentId]);
  return useCallback(
    (pageNumber: number) => {
      clearTimeout(timer.current);
      if (first.current) {
        // The page the reader opens at goes with the join, not after a delay.
        first.current = false;
        setDocumentPage(documentId, pageNumber - 1);
        return;
      }
      timer.current = setTimeout(
        () => setDocumentPage(documentId, pageNumber - 1),
        PRESENCE_PAGE_DEBOUNCE_MS,
      );
    },
    [documentId],
  );
}

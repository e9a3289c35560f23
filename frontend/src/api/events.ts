// Every websocket message the server sends on /ws/: the same shapes as the
// TypedDicts in documents/events.py (keep the two in step).
import type { DocumentState } from './types';

export interface ParseErrorPayload {
  code: string;
  message: string;
}

/** A document's parse moved on: its state and how many pages are done. */
export interface DocumentProgressEvent {
  type: 'document.progress';
  team_id: string;
  document_id: string;
  state: DocumentState;
  pages_done: number;
  pages_total: number | null;
  error: ParseErrorPayload | null;
}

/** A document was created, renamed, re-tagged or deleted: members refetch it (or drop it). */
export interface DocumentChangedEvent {
  type: 'document.changed';
  team_id: string;
  document_id: string;
  deleted: boolean;
}

export type LiveEvent = DocumentProgressEvent | DocumentChangedEvent;

/** Close codes of /ws/ (documents/consumers.py). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_MEMBERSHIP_ENDED = 4403;

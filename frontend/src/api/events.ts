// Every websocket message the server sends on /ws/: the same shapes as the
// TypedDicts in documents/events.py and annotations/events.py (keep them in step).
import type { Annotation, AnnotationExport, DocumentState, Reply, Role, UserNotification } from './types';

export interface ParseErrorPayload {
  code: string;
  message: string;
  /** Whether parsing the same file again may succeed (storage was down, the machine was busy). */
  retryable: boolean;
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

/** A collection was created or deleted: members refetch the collections and the lists. */
export interface CollectionsChangedEvent {
  type: 'collections.changed';
  team_id: string;
}

// annotations/events.py: an annotation as the REST API gives it (with its replies), and its changes.

/** Created, or edited/resolved/reopened/assigned/made visible to the team: add or replace it. */
export interface AnnotationChangedEvent {
  type: 'annotation.created' | 'annotation.updated';
  team_id: string;
  document_id: string;
  annotation: Annotation;
}

/** Deleted, or made private by its author: everyone else drops it. */
export interface AnnotationDeletedEvent {
  type: 'annotation.deleted';
  team_id: string;
  document_id: string;
  annotation_id: string;
}

export interface ReplyChangedEvent {
  type: 'reply.created' | 'reply.updated';
  team_id: string;
  document_id: string;
  annotation_id: string;
  reply: Reply;
}

export interface ReplyDeletedEvent {
  type: 'reply.deleted';
  team_id: string;
  document_id: string;
  annotation_id: string;
  reply_id: string;
}

export type AnnotationEvent =
  AnnotationChangedEvent | AnnotationDeletedEvent | ReplyChangedEvent | ReplyDeletedEvent;

/** The answers to `document.join` (documents/events.py). */
export interface DocumentJoinedEvent {
  type: 'document.joined';
  document_id: string;
}

export interface SocketErrorEvent {
  type: 'error';
  code: string;
  document_id: string | null;
}

/** Who views a document now, one entry per user with the page of their latest move (documents/events.py). */
export interface PresenceViewer {
  user_id: string;
  name: string;
  /** 0-based. */
  page: number;
}

export interface PresenceStateEvent {
  type: 'presence.state';
  document_id: string;
  viewers: PresenceViewer[];
}

/** Someone mentioned the user (annotations/events.py), sent to the user's own sockets only. */
export interface NotificationCreatedEvent {
  type: 'notification.created';
  team_id: string;
  notification: UserNotification;
}

/** An annotated PDF the user asked for is ready or failed (annotations/events.py), to their sockets only. */
export interface AnnotationExportFinishedEvent {
  type: 'annotation.export.finished';
  team_id: string;
  document_id: string;
  /** As the REST API answers it, without the download URL (asked for when needed). */
  export: Omit<AnnotationExport, 'download_url' | 'expires_in'>;
}

/**
 * The user's own role in a team changed (documents/events.py), sent to their sockets only: the team's
 * permissions, which decide what the pages offer, are reloaded. Removal closes the socket instead
 * (CLOSE_MEMBERSHIP_ENDED).
 */
export interface MembershipChangedEvent {
  type: 'membership.changed';
  team_id: string;
  role: Role;
}

export type LiveEvent =
  | MembershipChangedEvent
  | DocumentProgressEvent
  | DocumentChangedEvent
  | CollectionsChangedEvent
  | AnnotationEvent
  | DocumentJoinedEvent
  | SocketErrorEvent
  | PresenceStateEvent
  | NotificationCreatedEvent
  | AnnotationExportFinishedEvent;

/** What the client sends on /ws/: hear (or stop hearing) one document's annotations. */
export interface DocumentSubscription {
  type: 'document.join' | 'document.leave';
  document_id: string;
  /** 0-based page shown, for presence (join only). */
  page?: number;
}

/** Presence while joined: the page shown changed, and a heartbeat every PRESENCE_PING_MS. */
export type PresenceMessage =
  { type: 'presence.page'; document_id: string; page: number } | { type: 'presence.ping' };

/** Close codes of /ws/ (documents/consumers.py). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_MEMBERSHIP_ENDED = 4403;

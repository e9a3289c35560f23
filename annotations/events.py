"""Every websocket message the annotations app sends, and the shape of an annotation in them.

The REST API answers with the same shape (``api/serializers.py``; a test keeps the two equal), so the
browser merges an event and a fetched annotation the same way. Team-visible annotations go to the
document's group (``documents.events.document_group``), private ones to their author's user group only.
"""

from typing import Any, Literal, TypedDict


class UserRefPayload(TypedDict):
    id: str
    name: str
    email: str


class ReplyPayload(TypedDict):
    id: str
    annotation_id: str
    author: UserRefPayload | None
    body: str
    mentions: list[str]
    version: int
    created_at: str
    updated_at: str


class AnnotationPayload(TypedDict):
    id: str
    document_id: str
    page_index: int
    kind: str
    color: str
    body: str
    visibility: str
    anchors: dict[str, Any]
    mentions: list[str]
    version: int
    author: UserRefPayload | None
    assignee: UserRefPayload | None
    resolved_at: str | None
    resolved_by: UserRefPayload | None
    created_at: str
    updated_at: str
    replies: list[ReplyPayload]
    anchor_status: str  # "anchored" | "orphaned" (could not be placed on the file's current version)
    anchor_version: int  # the version of the file the anchors refer to


class AnnotationCreated(TypedDict):
    type: Literal["annotation.created"]
    team_id: str
    document_id: str
    annotation: AnnotationPayload


class AnnotationUpdated(TypedDict):
    """Edited, resolved, reopened, assigned, or made visible to the team: replace it (or add it)."""

    type: Literal["annotation.updated"]
    team_id: str
    document_id: str
    annotation: AnnotationPayload


class AnnotationDeleted(TypedDict):
    """Deleted, or made private by its author: everyone else drops it."""

    type: Literal["annotation.deleted"]
    team_id: str
    document_id: str
    annotation_id: str


class ReplyCreated(TypedDict):
    type: Literal["reply.created"]
    team_id: str
    document_id: str
    annotation_id: str
    reply: ReplyPayload


class ReplyUpdated(TypedDict):
    type: Literal["reply.updated"]
    team_id: str
    document_id: str
    annotation_id: str
    reply: ReplyPayload


class ReplyDeleted(TypedDict):
    type: Literal["reply.deleted"]
    team_id: str
    document_id: str
    annotation_id: str
    reply_id: str


class NotificationPayload(TypedDict):
    """As the notifications API lists it: where (document, page) and who, with the text mentioning."""

    id: str
    kind: str
    team_id: str
    document_id: str
    document_title: str
    page_index: int
    annotation_id: str
    reply_id: str | None
    actor: UserRefPayload | None
    excerpt: str
    created_at: str
    read_at: str | None


class NotificationCreated(TypedDict):
    """To the recipient's user group (``documents.events.user_group``) only."""

    type: Literal["notification.created"]
    team_id: str
    notification: NotificationPayload


class ExportErrorPayload(TypedDict):
    code: str
    detail: str


class AnnotationExportPayload(TypedDict):
    """As ``GET …/annotations/exports/{id}`` answers it, less the download URL (asked for when needed)."""

    id: str
    document_id: str
    format: str
    state: str  # "pending" | "ready" | "failed"
    error: ExportErrorPayload | None
    written: int | None
    created_at: str
    finished_at: str | None


class AnnotationExportFinished(TypedDict):
    """An export asked for is ready to download, or failed: to the asking member's user group only."""

    type: Literal["annotation.export.finished"]
    team_id: str
    document_id: str
    export: AnnotationExportPayload


AnnotationEvent = AnnotationCreated | AnnotationUpdated | AnnotationDeleted | ReplyCreated | ReplyUpdated | ReplyDeleted

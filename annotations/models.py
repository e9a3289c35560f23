"""Highlights, notes and area marks on a team's documents, and the reply threads under them."""

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from documents.models import Document
from teams.models import Team

BODY_MAX_LENGTH = 20_000
# Named colours the UI offers; any "#rgb" / "#rrggbb" is accepted too.
PALETTE = ("yellow", "green", "blue", "pink", "purple", "orange", "red", "grey")
DEFAULT_COLOR = "yellow"
MAX_SPAN_PAGES = 10
"""Pages a highlight may run onto after its first."""
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def validate_color(value: str) -> None:
    if value not in PALETTE and not _HEX.fullmatch(value):
        raise ValidationError(f"Use a colour of the palette ({', '.join(PALETTE)}) or #rgb / #rrggbb.")


class AnchorStatus(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    ORPHANED = "orphaned", "Orphaned"


class Annotation(BaseModel):
    """One mark on a document. ``anchors`` follow the W3C Web Annotation selectors (see the API
    serializer for the exact shape); ``version`` grows by one with every change of the row, so that an
    update made from a stale copy is refused instead of silently overwriting another member's."""

    class Kind(models.TextChoices):
        HIGHLIGHT = "highlight", "Highlight"
        NOTE = "note", "Note"
        AREA = "area", "Area"

    class Visibility(models.TextChoices):
        TEAM = "team", "Team"
        PRIVATE = "private", "Private"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="annotations")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="annotations")
    page_index = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    color = models.CharField(max_length=16, default=DEFAULT_COLOR, validators=[validate_color])
    body = models.TextField(max_length=BODY_MAX_LENGTH, blank=True)  # raw Markdown; rendered by the browser
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.TEAM)
    anchors = models.JSONField(default=dict)
    mentions = models.JSONField(default=list, blank=True)  # user ids, in order of first mention
    version = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Where an imported annotation came from (a JSON-LD id, or a key of a PDF's own annotation), so that
    # importing the same thing again onto this document adds nothing. Empty for annotations made here.
    source = models.CharField(max_length=200, blank=True, default="")
    # Whether the anchors are placed on the document's current version (``anchor_version``, the version
    # of the document they were last placed on) or could not be placed on a newer one (orphaned: kept,
    # with the anchors of ``anchor_version``, for members to read, answer or delete).
    anchor_status = models.CharField(max_length=16, choices=AnchorStatus.choices, default=AnchorStatus.ANCHORED)
    anchor_version = models.PositiveIntegerField(default=1)

    thread: list["Reply"]
    """The replies, oldest first, when loaded by ``selectors`` (``_with_people_and_thread``)."""

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["document", "page_index"]),
            models.Index(fields=["document", "updated_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=["highlight", "note", "area"]), name="annotations_annotation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["team", "private"]), name="annotations_annotation_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(anchor_status__in=["anchored", "orphaned"]),
                name="annotations_annotation_anchor_status_valid",
            ),
            models.UniqueConstraint(
                fields=["document", "source"],
                condition=~Q(source=""),
                name="annotations_annotation_unique_source_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on page {self.page_index + 1} of {self.document_id}"


class Reply(BaseModel):
    """A message in the thread under an annotation; it is seen by whoever sees the annotation."""

    team_lookup = "annotation__team"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    mentions = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=200, blank=True, default="")  # as Annotation.source

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"reply to {self.annotation_id}"


class Notification(BaseModel):
    """Something a member should look at: for now, being mentioned in an annotation or a reply.

    Shown in the app until read; mentions not read after a while are e-mailed in one digest
    (``emailed_at`` marks those already sent)."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mention"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MENTION)
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["recipient", "team", "-created_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(read_at__isnull=True, emailed_at__isnull=True),
                name="annotations_notif_digest_due",
            ),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(kind__in=["mention"]), name="annotations_notification_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class Tombstone(BaseModel):
    """An annotation or reply removed from someone's view: deleted, or (an annotation) made private.

    A browser catching up with ``updated_after`` learns from these what to drop: the rows themselves are
    gone (or hidden), so nothing else would tell it. Only ids are kept, never what was written, and only
    for ``ANNOTATIONS_TOMBSTONE_DAYS`` (``tombstone_prune``); a cursor older than that gets the whole list.
    ``created_at`` is the time of the removal."""

    class Kind(models.TextChoices):
        ANNOTATION = "annotation", "Annotation"
        REPLY = "reply", "Reply"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.UUIDField()  # the annotation's or the reply's id
    # Set when only this member could see what was removed (a private annotation, or a reply under one):
    # nobody else is told it existed.
    only_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["document", "created_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(kind__in=["annotation", "reply"]), name="annotations_tombstone_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} removed"


class AnnotationExport(BaseModel):
    """An annotated copy of a document's PDF, written in the background (in the parser's sandbox) for
    the member who asked: it holds their private annotations too, so it is theirs alone. The file lives
    at ``storage_key`` until ``ANNOTATIONS_EXPORT_EXPIRES`` seconds after the request, when
    ``annotation_exports_clean`` removes it with the row."""

    class Format(models.TextChoices):
        PDF = "pdf", "Annotated PDF"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.PDF)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    storage_key = models.CharField(max_length=500, blank=True, default="")
    size = models.BigIntegerField(null=True, blank=True)
    written = models.PositiveIntegerField(null=True, blank=True)  # annotations in the file
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_detail = models.TextField(blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["requested_by", "document", "state"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(format__in=["pdf"]), name="annotations_export_format_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "ready", "failed"]), name="annotations_export_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.format} export of {self.document_id} ({self.state})"

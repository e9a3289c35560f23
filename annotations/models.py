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
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def validate_color(value: str) -> None:
    if value not in PALETTE and not _HEX.fullmatch(value):
        raise ValidationError(f"Use a colour of the palette ({', '.join(PALETTE)}) or #rgb / #rrggbb.")


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

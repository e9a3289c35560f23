"""Shapes and validation of the annotation API. The output matches ``annotations.events`` exactly."""

import math
from typing import Any

from rest_framework import serializers

from annotations.models import (
    BODY_MAX_LENGTH,
    DEFAULT_COLOR,
    MAX_SPAN_PAGES,
    PALETTE,
    AnchorStatus,
    Annotation,
    AnnotationExport,
    Notification,
    validate_color,
)
from teams.api.serializers import UserRefOut

QUOTE_MAX_LENGTH = 5_000
MAX_RECTS = 500


def _finite(value: float) -> None:
    if not math.isfinite(value):
        raise serializers.ValidationError("Must be a finite number.")


class QuoteIn(serializers.Serializer[None]):
    """W3C TextQuoteSelector."""

    exact = serializers.CharField(max_length=QUOTE_MAX_LENGTH, trim_whitespace=False)
    prefix = serializers.CharField(max_length=200, trim_whitespace=False, allow_blank=True, default="")
    suffix = serializers.CharField(max_length=200, trim_whitespace=False, allow_blank=True, default="")


class PositionIn(serializers.Serializer[None]):
    """W3C TextPositionSelector: offsets in the stored text of the page (``end`` in ``page_end``'s text
    when the highlight spans a page break)."""

    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=0)


def _ordered_rect(rect: list[float]) -> None:
    if len(rect) == 4 and (rect[0] > rect[2] or rect[1] > rect[3]):
        raise serializers.ValidationError("Expected [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2.")


class RectField(serializers.ListField):
    """[x1, y1, x2, y2] in PDF user-space points, x1 <= x2 and y1 <= y2."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.FloatField(validators=[_finite]),
            min_length=4,
            max_length=4,
            validators=[_ordered_rect],
            **kwargs,
        )


class ContinuationIn(serializers.Serializer[None]):
    """The rectangles of a highlight on a page after its first (``page_index``)."""

    page_index = serializers.IntegerField(min_value=0)
    rects = serializers.ListField(child=RectField(), min_length=1, max_length=MAX_RECTS)


class AnchorsIn(serializers.Serializer[None]):
    """Where the annotation sits. A highlight needs ``quote``, ``position`` and ``rects``; an area
    ``rects``; a note a ``point`` [x, y]. ``page_end`` (a page after ``page_index``) lets a highlight
    span a page break: ``rects`` are then those on ``page_index``, and ``continued`` gives those on each
    following page up to ``page_end`` (in page order; a page without rectangles may be left out)."""

    quote = QuoteIn(required=False)
    position = PositionIn(required=False)
    rects = serializers.ListField(child=RectField(), min_length=1, max_length=MAX_RECTS, required=False)
    point = serializers.ListField(
        child=serializers.FloatField(validators=[_finite]), min_length=2, max_length=2, required=False
    )
    page_end = serializers.IntegerField(min_value=0, required=False)
    continued = serializers.ListField(child=ContinuationIn(), max_length=MAX_SPAN_PAGES, required=False)


REQUIRED_ANCHORS = {
    Annotation.Kind.HIGHLIGHT: ("quote", "position", "rects"),
    Annotation.Kind.AREA: ("rects",),
    Annotation.Kind.NOTE: ("point",),
}


class ColorField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_length=16,
            help_text=f"A colour of the palette ({', '.join(PALETTE)}) or #rgb / #rrggbb.",
            **kwargs,
        )
        self.validators.append(_color)


def _color(value: str) -> None:
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        validate_color(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class AnnotationCreateIn(serializers.Serializer[None]):
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    page_index = serializers.IntegerField(min_value=0)
    anchors = AnchorsIn()
    color = ColorField(default=DEFAULT_COLOR)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, allow_blank=True, trim_whitespace=False, default="")
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices, default=Annotation.Visibility.TEAM)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        anchors = attrs["anchors"]
        missing = [name for name in REQUIRED_ANCHORS[Annotation.Kind(attrs["kind"])] if name not in anchors]
        errors: dict[str, list[str]] = {name: [f"Required for a {attrs['kind']}."] for name in missing}
        page_end = anchors.get("page_end")
        if page_end is not None and page_end < attrs["page_index"]:
            errors["page_end"] = ["Must not be before page_index."]
        elif page_end is not None and page_end - attrs["page_index"] > MAX_SPAN_PAGES:
            errors["page_end"] = [f"A highlight spans at most {MAX_SPAN_PAGES + 1} pages."]
        continued = anchors.get("continued")
        if continued is not None:
            pages = [part["page_index"] for part in continued]
            if attrs["kind"] != Annotation.Kind.HIGHLIGHT:
                errors["continued"] = ["Only a highlight runs onto following pages."]
            elif page_end is None:
                errors["continued"] = ["Give page_end, the last page the highlight is on."]
            elif pages != sorted(set(pages)) or not all(attrs["page_index"] < page <= page_end for page in pages):
                errors["continued"] = ["One entry per page after page_index up to page_end, in page order."]
        position = anchors.get("position")
        if position and (page_end in (None, attrs["page_index"])) and position["end"] < position["start"]:
            errors["position"] = ["end must not be before start."]
        if errors:
            raise serializers.ValidationError({"anchors": errors})
        return attrs


class AnnotationUpdateIn(serializers.Serializer[None]):
    version = serializers.IntegerField(min_value=1, help_text="The version this change was made from.")
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, allow_blank=True, trim_whitespace=False, required=False)
    color = ColorField(required=False)
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices, required=False)
    assignee_id = serializers.UUIDField(
        allow_null=True, required=False, help_text="A member's user id; null unassigns."
    )


class ListFilterIn(serializers.Serializer[None]):
    updated_after = serializers.DateTimeField(required=False)
    anchor_status = serializers.ChoiceField(choices=AnchorStatus.choices, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A catch-up reports removals from the whole list: one of a filtered list would miss those that
        # left the filter (an annotation orphaned by a new version) and report those that did not.
        if "updated_after" in attrs and "anchor_status" in attrs:
            raise serializers.ValidationError(
                {"anchor_status": ["Not with updated_after: catch up on the whole list, then filter it."]}
            )
        return attrs


class ExportIn(serializers.Serializer[None]):
    format = serializers.ChoiceField(
        choices=["jsonld", "markdown", "pdf"],
        default="jsonld",
        help_text="pdf is made in the background: POST …/annotations/exports (this answers 400 export_is_a_job)",
    )


class ExportJobIn(serializers.Serializer[None]):
    format = serializers.ChoiceField(choices=AnnotationExport.Format.choices, default=AnnotationExport.Format.PDF)


class ReplyIn(serializers.Serializer[None]):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


class ReplyUpdateIn(ReplyIn):
    version = serializers.IntegerField(min_value=1)


# --- output ---------------------------------------------------------------------------------------


class ReplyOut(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    annotation_id = serializers.UUIDField()
    author = UserRefOut(allow_null=True)
    body = serializers.CharField()
    mentions = serializers.ListField(child=serializers.UUIDField(), help_text="User ids mentioned with @.")
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class QuoteOut(serializers.Serializer[Any]):
    exact = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()


class PositionOut(serializers.Serializer[Any]):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class ContinuationOut(serializers.Serializer[Any]):
    page_index = serializers.IntegerField()
    rects = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))


class AnchorsOut(serializers.Serializer[Any]):
    quote = QuoteOut(required=False)
    position = PositionOut(required=False)
    rects = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()), required=False)
    point = serializers.ListField(child=serializers.FloatField(), required=False)
    page_end = serializers.IntegerField(required=False)
    continued = ContinuationOut(many=True, required=False, help_text="A highlight's rectangles on its next pages")


class AnnotationOut(serializers.Serializer[Any]):
    """Read from an annotation loaded by ``selectors.annotation_list_for`` / ``annotation_with_thread``."""

    id = serializers.UUIDField()
    document_id = serializers.UUIDField()
    page_index = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Annotation.Kind.choices)
    color = serializers.CharField()
    body = serializers.CharField(help_text="Markdown, stored as written; render it safely.")
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices)
    anchors = AnchorsOut()
    mentions = serializers.ListField(child=serializers.UUIDField(), help_text="User ids mentioned with @.")
    version = serializers.IntegerField()
    author = UserRefOut(allow_null=True)
    assignee = UserRefOut(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolved_by = UserRefOut(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    replies = ReplyOut(many=True, source="thread")
    anchor_status = serializers.ChoiceField(
        choices=AnchorStatus.choices,
        help_text="orphaned: it could not be placed on the current version of the file (kept, never dropped)",
    )
    anchor_version = serializers.IntegerField(help_text="The version of the file its anchors refer to")


class RemovedOut(serializers.Serializer[Any]):
    annotations = serializers.ListField(child=serializers.UUIDField(), help_text="Deleted, or made private")
    replies = serializers.ListField(child=serializers.UUIDField(), help_text="Deleted")


class AnnotationListOut(serializers.Serializer[Any]):
    results = AnnotationOut(many=True)
    deleted = RemovedOut(help_text="Removed from your view since `updated_after` (empty without it, or when full)")
    cursor = serializers.DateTimeField(help_text="The `updated_after` of your next catch-up")
    full = serializers.BooleanField(help_text="The whole list: replace what you have instead of merging")


class ImportOut(serializers.Serializer[Any]):
    created = serializers.IntegerField(help_text="Annotations created")
    skipped = serializers.IntegerField(help_text="Annotations already on this document")
    replies_created = serializers.IntegerField()
    replies_skipped = serializers.IntegerField()


class ExportErrorOut(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="document_too_large, pdf_encrypted, pdf_unreadable, export_timeout, ...")
    detail = serializers.CharField()


class ExportOut(serializers.Serializer[Any]):
    """As ``annotations.events.AnnotationExportPayload`` (the ``annotation.export.finished`` event), plus
    the download once ready."""

    id = serializers.UUIDField()
    document_id = serializers.UUIDField()
    format = serializers.ChoiceField(choices=AnnotationExport.Format.choices)
    state = serializers.ChoiceField(choices=AnnotationExport.State.choices)
    error = ExportErrorOut(allow_null=True, help_text="Why it failed")
    written = serializers.IntegerField(allow_null=True, help_text="Annotations in the file")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(allow_null=True, help_text="Ready: a short-lived URL of the file")
    expires_in = serializers.IntegerField(allow_null=True, help_text="Seconds the URL works")


# --- notifications --------------------------------------------------------------------------------


class NotificationOut(serializers.Serializer[Any]):
    """As ``annotations.events.NotificationPayload`` (the ``notification.created`` event)."""

    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    team_id = serializers.UUIDField()
    document_id = serializers.UUIDField()
    document_title = serializers.CharField()
    page_index = serializers.IntegerField()
    annotation_id = serializers.UUIDField()
    reply_id = serializers.UUIDField(allow_null=True)
    actor = UserRefOut(allow_null=True)
    excerpt = serializers.CharField(help_text="The start of the text that mentions you (Markdown).")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, instance: Notification) -> dict[str, Any]:
        from annotations.services import notification_payload

        return dict(notification_payload(instance))


class NotificationPageOut(serializers.Serializer[Any]):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = NotificationOut(many=True)
    unread_count = serializers.IntegerField(help_text="Of all your notifications in this team, not only this page.")


class NotificationReadIn(serializers.Serializer[None]):
    ids = serializers.ListField(
        child=serializers.UUIDField(), required=False, max_length=500, help_text="All of yours when omitted."
    )


class NotificationReadOut(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many were unread")
    unread_count = serializers.IntegerField()

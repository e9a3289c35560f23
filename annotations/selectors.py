"""Reads of annotations, scoped to the team and to what the acting user may see.

Visibility is decided here and nowhere else: a private annotation exists for its author only, in
lists, in details and for replies, and anyone else gets the same 404 as for an id that does not exist.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from documents.selectors import detail_only_fields
from teams.models import Team
from teams.selectors import scoped_get, team_scoped

from .models import Annotation, AnnotationExport, Notification, Reply, Tombstone


def _visible_to(user: User) -> Q:
    return Q(visibility=Annotation.Visibility.TEAM) | Q(author=user)


def annotation_list_for(
    *,
    user: User,
    team: Team,
    document_id: UUID | str,
    updated_after: datetime | None = None,
    anchor_status: str | None = None,
) -> QuerySet[Annotation]:
    """Everything on the document that ``user`` may see, by page then place on the page, each with its
    people and its thread: a fixed number of queries whatever the number of annotations.

    ``updated_after`` is the catch-up after a reconnect: a reply changing bumps its annotation's
    ``updated_at``, so the annotation comes again with its whole thread. ``anchor_status`` keeps only the
    annotations placed on the current version of the file (``anchored``) or only those that could not be
    placed on it (``orphaned``).
    """
    annotations = team_scoped(Annotation.objects.filter(_visible_to(user), document_id=document_id), team=team)
    if updated_after is not None:
        annotations = annotations.filter(updated_at__gt=updated_after)
    if anchor_status:
        annotations = annotations.filter(anchor_status=anchor_status)
    return _with_people_and_thread(annotations).order_by(
        "page_index", F("anchors__position__start").asc(nulls_last=True), "created_at", "id"
    )


# The next cursor lies this far before the list was read: a change saved just before (its ``updated_at``
# set) but committed just after is then sent again next time rather than never. Browsers merge by version.
CATCH_UP_OVERLAP = timedelta(seconds=60)


@dataclass
class AnnotationChanges:
    """What a browser needs to bring its copy of a document's annotations up to date."""

    annotations: list[Annotation]
    cursor: datetime
    """The ``updated_after`` of the next catch-up."""
    full: bool
    """The whole list (no cursor, or one older than the horizon): replace, do not merge."""
    deleted_annotations: list[str] = field(default_factory=list)
    deleted_replies: list[str] = field(default_factory=list)


def annotation_changes_for(
    *,
    user: User,
    team: Team,
    document_id: UUID | str,
    updated_after: datetime | None = None,
    anchor_status: str | None = None,
) -> AnnotationChanges:
    """Everything ``user`` may see on the document (``full``), or, with ``updated_after``, what changed
    since and what was removed from their view since. A cursor older than the tombstones' horizon gets
    everything: removals before it are forgotten. One query more than ``annotation_list_for`` at most."""
    now = timezone.now()
    full = updated_after is None or updated_after < catch_up_horizon(now=now)
    annotations = list(
        annotation_list_for(
            user=user,
            team=team,
            document_id=document_id,
            updated_after=None if full else updated_after,
            anchor_status=anchor_status,
        )
    )
    changes = AnnotationChanges(annotations=annotations, cursor=now - CATCH_UP_OVERLAP, full=full)
    if not full and updated_after is not None:
        removed, changes.deleted_replies = removed_since(
            user=user, team=team, document_id=document_id, since=updated_after
        )
        present = {str(annotation.pk) for annotation in annotations}  # shared again since: it stays
        changes.deleted_annotations = [annotation_id for annotation_id in removed if annotation_id not in present]
    return changes


def catch_up_horizon(*, now: datetime | None = None) -> datetime:
    """The oldest ``updated_after`` a catch-up can answer: removals before it are forgotten."""
    return (now or timezone.now()) - timedelta(days=settings.ANNOTATIONS_TOMBSTONE_DAYS)


def removed_since(*, user: User, team: Team, document_id: UUID | str, since: datetime) -> tuple[list[str], list[str]]:
    """Ids of the annotations and of the replies that left ``user``'s view of the document after
    ``since`` (deleted, or an annotation made private by someone else), in one query. An annotation
    visible again now (shared back) is among the changed ones too: the caller drops it from these."""
    rows = team_scoped(
        Tombstone.objects.filter(
            Q(only_for__isnull=True) | Q(only_for=user), document_id=document_id, created_at__gt=since
        ),
        team=team,
    ).values_list("kind", "object_id")
    annotations: dict[str, None] = {}
    replies: dict[str, None] = {}
    for kind, object_id in rows.order_by("created_at"):
        (annotations if kind == Tombstone.Kind.ANNOTATION else replies)[str(object_id)] = None
    return list(annotations), list(replies)


def annotation_get_for(
    *, user: User, team: Team, document_id: UUID | str, annotation_id: UUID | str, for_update: bool = False
) -> Annotation:
    """One annotation of the document that ``user`` may see, or 404. ``for_update`` locks the row
    (call it inside the transaction of the change)."""
    annotations = Annotation.objects.filter(_visible_to(user), document_id=document_id)
    if for_update:
        annotations = annotations.select_for_update(of=("self",))
    annotations = annotations.select_related("author", "assignee", "resolved_by", "document")
    return scoped_get(annotations.defer(*detail_only_fields("document")), team=team, pk=annotation_id)


def annotation_with_thread(annotation: Annotation) -> Annotation:
    """The same annotation re-read with its people and thread, as the API and the events show it.
    Called by services on a row they have just read or written, so it is already in scope."""
    return _with_people_and_thread(Annotation.objects.all()).get(pk=annotation.pk)


def _with_people_and_thread(annotations: QuerySet[Annotation]) -> QuerySet[Annotation]:
    # Into a list (``thread``): ``replies.all()`` on each of 10,000 annotations would clone a queryset each.
    return annotations.select_related("author", "assignee", "resolved_by").prefetch_related(  # type: ignore[no-redef]  # django-stubs re-declares to_attr "thread"; Annotation declares it
        Prefetch(
            "replies", queryset=Reply.objects.select_related("author").order_by("created_at", "id"), to_attr="thread"
        )
    )


def reply_get_for(
    *,
    user: User,
    team: Team,
    document_id: UUID | str,
    annotation_id: UUID | str,
    reply_id: UUID | str,
    for_update: bool = False,
) -> Reply:
    """A reply in a thread ``user`` may see, or 404."""
    replies = Reply.objects.filter(
        Q(annotation__visibility=Annotation.Visibility.TEAM) | Q(annotation__author=user),
        annotation_id=annotation_id,
        annotation__document_id=document_id,
    )
    if for_update:
        replies = replies.select_for_update(of=("self",))
    return scoped_get(replies.select_related("author", "annotation"), team=team, pk=reply_id)


def annotation_export_list_for(*, user: User, team: Team, document_id: UUID | str) -> QuerySet[AnnotationExport]:
    """``user``'s own exports of the document not yet expired: an export holds their private
    annotations, so nobody else's is ever listed (or found)."""
    cutoff = timezone.now() - timedelta(seconds=settings.ANNOTATIONS_EXPORT_EXPIRES)
    exports = AnnotationExport.objects.filter(requested_by=user, document_id=document_id, created_at__gte=cutoff)
    return team_scoped(exports, team=team).select_related("document").defer(*detail_only_fields("document"))


def annotation_export_get_for(
    *, user: User, team: Team, document_id: UUID | str, export_id: UUID | str
) -> AnnotationExport:
    """One of ``user``'s exports of the document, or 404 (for anyone else's too, and once expired)."""
    return scoped_get(
        annotation_export_list_for(user=user, team=team, document_id=document_id), team=team, pk=export_id
    )


def notification_list_for(*, user: User, team: Team) -> QuerySet[Notification]:
    """``user``'s notifications in ``team``, newest first, with what their payload shows loaded.
    Mentions in annotations since made private are left out (the recipient cannot see them)."""
    notifications = team_scoped(
        Notification.objects.filter(recipient=user, annotation__visibility=Annotation.Visibility.TEAM), team=team
    )
    return (
        notifications.select_related("actor", "reply", "annotation__document")
        .defer(*detail_only_fields("annotation__document"))
        .order_by("-created_at", "-id")
    )

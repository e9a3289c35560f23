"""Reads of annotations, scoped to the team and to what the acting user may see.

Visibility is decided here and nowhere else: a private annotation exists for its author only, in
lists, in details and for replies, and anyone else gets the same 404 as for an id that does not exist.
"""

from datetime import datetime
from uuid import UUID

from django.db.models import F, Prefetch, Q, QuerySet

from accounts.models import User
from documents.models import Document
from teams.models import Team
from teams.selectors import scoped_get, team_scoped

from .models import Annotation, Notification, Reply


def _visible_to(user: User) -> Q:
    return Q(visibility=Annotation.Visibility.TEAM) | Q(author=user)


def annotated_document_get(*, team: Team, document_id: UUID | str) -> Document:
    """The team's document (404 for another team's); its state is the services' concern."""
    return scoped_get(Document.objects.all(), team=team, pk=document_id)


def annotation_list_for(
    *,
    user: User,
    team: Team,
    document_id: UUID | str,
    updated_after: datetime | None = None,
) -> QuerySet[Annotation]:
    """Everything on the document that ``user`` may see, by page then place on the page, each with its
    people and its thread: a fixed number of queries whatever the number of annotations.

    ``updated_after`` is the catch-up after a reconnect: a reply changing bumps its annotation's
    ``updated_at``, so the annotation comes again with its whole thread.
    """
    annotations = team_scoped(Annotation.objects.filter(_visible_to(user), document_id=document_id), team=team)
    if updated_after is not None:
        annotations = annotations.filter(updated_at__gt=updated_after)
    return _with_people_and_thread(annotations).order_by(
        "page_index", F("anchors__position__start").asc(nulls_last=True), "created_at", "id"
    )


def annotation_get_for(
    *, user: User, team: Team, document_id: UUID | str, annotation_id: UUID | str, for_update: bool = False
) -> Annotation:
    """One annotation of the document that ``user`` may see, or 404. ``for_update`` locks the row
    (call it inside the transaction of the change)."""
    annotations = Annotation.objects.filter(_visible_to(user), document_id=document_id)
    if for_update:
        annotations = annotations.select_for_update(of=("self",))
    return scoped_get(
        annotations.select_related("author", "assignee", "resolved_by", "document"), team=team, pk=annotation_id
    )


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


def notification_list_for(*, user: User, team: Team) -> QuerySet[Notification]:
    """``user``'s notifications in ``team``, newest first, with what their payload shows loaded.
    Mentions in annotations since made private are left out (the recipient cannot see them)."""
    notifications = team_scoped(
        Notification.objects.filter(recipient=user, annotation__visibility=Annotation.Visibility.TEAM), team=team
    )
    return notifications.select_related("actor", "reply", "annotation__document").order_by("-created_at", "-id")

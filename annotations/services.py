"""Everything that changes annotations and their threads. Views and tasks call these; nothing else
writes the rows.

Every service takes the actor's ``Membership`` (the view has checked the permission its method needs,
``annotations.comment``) and checks the rules that depend on the target here: the kind's permission,
authorship, visibility. Events go out after commit: team-visible annotations to the document's group,
private ones to their author alone.
"""

import enum
import logging
import re
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from documents.events import document_group, user_group
from documents.models import Document
from documents.realtime import send_on_commit
from documents.selectors import detail_only_fields, document_brief_get
from teams.models import Membership
from teams.roles import denial_detail, has_permission
from teams.selectors import team_scoped
from teams.services import audit_record

from . import selectors
from .events import (
    AnnotationCreated,
    AnnotationDeleted,
    AnnotationEvent,
    AnnotationPayload,
    AnnotationUpdated,
    NotificationCreated,
    NotificationPayload,
    ReplyCreated,
    ReplyDeleted,
    ReplyPayload,
    ReplyUpdated,
    UserRefPayload,
)
from .models import DEFAULT_COLOR, Annotation, Notification, Reply, Tombstone

Visibility = Annotation.Visibility
logger = logging.getLogger(__name__)


class _Unset(enum.Enum):
    UNSET = enum.auto()


# "Not given" for a field whose null means something (assignee_id=None unassigns).
UNSET: Literal[_Unset.UNSET] = _Unset.UNSET

# The permission that creating (and editing) each kind needs.
KIND_PERMISSIONS = {
    Annotation.Kind.NOTE: "annotations.comment",
    Annotation.Kind.HIGHLIGHT: "annotations.highlight",
    Annotation.Kind.AREA: "annotations.highlight",
}


# --- payloads (the one shape of the REST API and the events) --------------------------------------


def _iso(value: datetime | None) -> str | None:
    """As DRF renders datetimes: ISO 8601 in the current time zone (UTC), "Z" for +00:00."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _user_ref(user: User | None) -> UserRefPayload | None:
    return None if user is None else {"id": str(user.pk), "name": user.name, "email": user.email}


def reply_payload(reply: Reply) -> ReplyPayload:
    return {
        "id": str(reply.pk),
        "annotation_id": str(reply.annotation_id),
        "author": _user_ref(reply.author),
        "body": reply.body,
        "mentions": list(reply.mentions),
        "version": reply.version,
        "created_at": _iso(reply.created_at) or "",
        "updated_at": _iso(reply.updated_at) or "",
    }


def annotation_payload(annotation: Annotation) -> AnnotationPayload:
    """Expects the people and the thread loaded (``selectors.annotation_with_thread``)."""
    return {
        "id": str(annotation.pk),
        "document_id": str(annotation.document_id),
        "page_index": annotation.page_index,
        "kind": annotation.kind,
        "color": annotation.color,
        "body": annotation.body,
        "visibility": annotation.visibility,
        "anchors": dict(annotation.anchors),
        "mentions": list(annotation.mentions),
        "version": annotation.version,
        "author": _user_ref(annotation.author),
        "assignee": _user_ref(annotation.assignee),
        "resolved_at": _iso(annotation.resolved_at),
        "resolved_by": _user_ref(annotation.resolved_by),
        "created_at": _iso(annotation.created_at) or "",
        "updated_at": _iso(annotation.updated_at) or "",
        "replies": [reply_payload(reply) for reply in annotation.thread],
        "anchor_status": annotation.anchor_status,
        "anchor_version": annotation.anchor_version,
    }


def _send(annotation: Annotation, event: AnnotationEvent, *, private: bool | None = None) -> None:
    """To the document's viewers if the annotation is the team's, else to its author's sockets only."""
    is_private = annotation.visibility == Visibility.PRIVATE if private is None else private
    if not is_private:
        send_on_commit(document_group(annotation.document_id), event)
    elif annotation.author_id is not None:
        send_on_commit(user_group(annotation.author_id), event)


def _annotation_event(
    annotation: Annotation, kind: Literal["annotation.created", "annotation.updated"]
) -> AnnotationCreated | AnnotationUpdated:
    loaded = annotation if hasattr(annotation, "thread") else selectors.annotation_with_thread(annotation)
    payload = annotation_payload(loaded)
    team_id, document_id = str(annotation.team_id), str(annotation.document_id)
    if kind == "annotation.created":
        created: AnnotationCreated = {
            "type": kind,
            "team_id": team_id,
            "document_id": document_id,
            "annotation": payload,
        }
        return created
    updated: AnnotationUpdated = {"type": kind, "team_id": team_id, "document_id": document_id, "annotation": payload}
    return updated


def _tombstone(annotation: Annotation, kind: str, object_id: UUID, *, hidden: bool = False) -> None:
    """Record that ``object_id`` left the view of those who saw it, for ``updated_after`` catch-ups.
    What only the author saw (under a private annotation) is recorded for the author alone, unless it
    is the annotation itself being ``hidden`` (made private): then it is the others who lose it."""
    only_for = annotation.author_id if annotation.visibility == Visibility.PRIVATE and not hidden else None
    Tombstone.objects.create(
        team_id=annotation.team_id,
        document_id=annotation.document_id,
        kind=kind,
        object_id=object_id,
        only_for_id=only_for,
    )


def _deleted_event(annotation: Annotation) -> AnnotationDeleted:
    return {
        "type": "annotation.deleted",
        "team_id": str(annotation.team_id),
        "document_id": str(annotation.document_id),
        "annotation_id": str(annotation.pk),
    }


# --- mentions --------------------------------------------------------------------------------------

# An "@" that starts a mention, not one inside an e-mail address.
_MENTION_START = re.compile(r"(?<![\w.@])@")


def mentions_parse(*, actor: Membership, text: str) -> list[str]:
    """Ids of the team's members named as ``@Display Name`` or ``@local-part`` (of their e-mail), in the
    order first mentioned. The longest name wins, so "@Ada Lovelace" is not taken for "@Ada"."""
    if "@" not in text:
        return []
    handles: list[tuple[str, str]] = []
    for user in User.objects.filter(pk__in=team_scoped(Membership.objects.all(), team=actor.team).values("user_id")):
        for handle in {user.display_name.strip().lower(), user.email.split("@", 1)[0].lower()}:
            if handle:
                handles.append((handle, str(user.pk)))
    handles.sort(key=lambda item: len(item[0]), reverse=True)
    lowered = text.lower()
    found: list[str] = []
    for match in _MENTION_START.finditer(text):
        start = match.end()
        for handle, user_id in handles:
            end = start + len(handle)
            if lowered.startswith(handle, start) and not (
                end < len(text) and (text[end].isalnum() or text[end] == "_")
            ):
                if user_id not in found:
                    found.append(user_id)
                break
    return found


# --- rules -----------------------------------------------------------------------------------------


def _require(actor: Membership, permission: str) -> None:
    if not has_permission(actor.role, permission):
        raise PermissionDeniedError(denial_detail(actor.role, permission), extra={"permission": permission})


def _require_ready(document: Document) -> None:
    if document.state != Document.State.READY:
        raise ConflictError("This document is not ready yet: annotations need its text.", code="document_not_ready")


def _require_author(actor: Membership, author_id: UUID | None, what: str) -> None:
    if author_id != actor.user_id:
        raise PermissionDeniedError(f"You can change only your own {what}.")


def _check_assignee(actor: Membership, annotation: Annotation, assignee_id: UUID | None) -> None:
    if assignee_id is None:
        return
    if not team_scoped(Membership.objects.filter(user_id=assignee_id), team=actor.team).exists():
        raise ApplicationError(
            "Only a member of this team can be assigned.",
            code="assignee_not_member",
            fields={"assignee_id": ["Not a member of this team."]},
        )
    if annotation.visibility == Visibility.PRIVATE and assignee_id != annotation.author_id:
        raise ApplicationError(
            "A private annotation can be assigned only to its author; share it with the team first.",
            code="assignee_cannot_see",
            fields={"assignee_id": ["This member cannot see a private annotation."]},
        )


def _check_version(annotation: Annotation, version: int) -> None:
    if version != annotation.version:
        raise ConflictError(
            "Someone changed this annotation meanwhile. Here is how it is now; apply your change to it.",
            code="version_conflict",
            extra={"current": annotation_payload(selectors.annotation_with_thread(annotation))},
        )


def _ready_document(actor: Membership, document_id: UUID | str) -> Document:
    document = document_brief_get(team=actor.team, document_id=document_id)
    _require_ready(document)
    return document


def _locked(actor: Membership, document_id: UUID | str, annotation_id: UUID | str) -> Annotation:
    _ready_document(actor, document_id)
    return selectors.annotation_get_for(
        user=actor.user, team=actor.team, document_id=document_id, annotation_id=annotation_id, for_update=True
    )


# --- annotations -----------------------------------------------------------------------------------


@transaction.atomic
def annotation_create(
    *,
    actor: Membership,
    document_id: UUID | str,
    kind: str,
    page_index: int,
    anchors: dict[str, Any],
    color: str = DEFAULT_COLOR,
    body: str = "",
    visibility: str = Visibility.TEAM,
) -> Annotation:
    """Notes need ``annotations.comment`` (every role), highlights and areas ``annotations.highlight``.
    ``anchors`` come validated by the API's serializer for ``kind``; the pages are checked here."""
    _require(actor, KIND_PERMISSIONS[Annotation.Kind(kind)])
    document = _ready_document(actor, document_id)
    last_page = max(page_index, anchors.get("page_end", page_index))
    if document.pages_total is not None and last_page >= document.pages_total:
        raise ApplicationError(
            f"The document has {document.pages_total} pages.",
            fields={"page_index": [f"Must be below {document.pages_total}."]},
        )
    if kind == Annotation.Kind.NOTE and not body.strip():
        raise ApplicationError("A note needs some text.", fields={"body": ["This field may not be blank."]})
    annotation = Annotation.objects.create(
        team=actor.team,
        document=document,
        page_index=page_index,
        author=actor.user,
        kind=kind,
        color=color,
        body=body,
        visibility=visibility,
        anchors=anchors,
        mentions=mentions_parse(actor=actor, text=body),
        anchor_version=document.version,
    )
    # Just made: no replies yet, and its only person is the author given above. So the event and the
    # answer need no second read (a quarter of this request's time).
    annotation.thread = []
    _send(annotation, _annotation_event(annotation, "annotation.created"))
    _notify_mentions(actor, annotation, annotation.mentions)
    return annotation


@transaction.atomic
def annotation_update(
    *,
    actor: Membership,
    document_id: UUID | str,
    annotation_id: UUID | str,
    version: int,
    body: str | None = None,
    color: str | None = None,
    visibility: str | None = None,
    assignee_id: UUID | Literal[_Unset.UNSET] | None = UNSET,
) -> Annotation:
    """Change what was given, if ``version`` is the current one (else 409 ``version_conflict`` with
    the annotation as it is now). Body, colour and visibility are the author's alone; anyone who can
    comment may (re)assign. Making a team annotation private again is refused once others replied."""
    annotation = _locked(actor, document_id, annotation_id)
    _check_version(annotation, version)
    mentioned_before = list(annotation.mentions)
    changed: list[str] = []
    own_fields = {"body": body, "color": color, "visibility": visibility}
    if any(value is not None for value in own_fields.values()):
        _require_author(actor, annotation.author_id, "annotations")
        _require(actor, KIND_PERMISSIONS[Annotation.Kind(annotation.kind)])
    was_private = annotation.visibility == Visibility.PRIVATE
    if visibility == Visibility.PRIVATE and not was_private:
        if annotation.replies.exclude(author_id=actor.user_id).exists():
            raise ConflictError(
                "Others have replied to this annotation, so it stays visible to the team.", code="has_replies"
            )
        if annotation.assignee_id not in (None, annotation.author_id):
            annotation.assignee_id = None
            changed.append("assignee")
    for name, value in own_fields.items():
        if value is not None and getattr(annotation, name) != value:
            setattr(annotation, name, value)
            changed.append(name)
    if body is not None and "body" in changed:
        annotation.mentions = mentions_parse(actor=actor, text=body)
        changed.append("mentions")
    if assignee_id is not UNSET and assignee_id != annotation.assignee_id:
        _check_assignee(actor, annotation, assignee_id)
        annotation.assignee_id = assignee_id
        changed.append("assignee")
    if not changed:
        return annotation
    annotation.version += 1
    annotation.save(update_fields=[*changed, "version", "updated_at"])
    is_private = annotation.visibility == Visibility.PRIVATE
    if is_private and not was_private:
        # Gone for everyone else; the author's own sockets get the new state.
        _send(annotation, _deleted_event(annotation), private=False)
        _tombstone(annotation, Tombstone.Kind.ANNOTATION, annotation.pk, hidden=True)
    _send(annotation, _annotation_event(annotation, "annotation.updated"))
    # Shared with the team just now: its mentions are news to everyone; else only the added ones.
    _notify_mentions(actor, annotation, annotation.mentions, already=[] if was_private else mentioned_before)
    return annotation


@transaction.atomic
def annotation_delete(*, actor: Membership, document_id: UUID | str, annotation_id: UUID | str) -> None:
    """The author deletes their own; ``annotations.delete_any`` (admins, owners) deletes anyone's."""
    annotation = _locked(actor, document_id, annotation_id)
    if annotation.author_id != actor.user_id:
        _require(actor, "annotations.delete_any")
        audit_record(
            team=actor.team,
            actor=actor.user,
            action="annotation.deleted",
            data={"annotation_id": str(annotation.pk), "document_id": str(annotation.document_id)},
        )
    _send(annotation, _deleted_event(annotation))
    _tombstone(annotation, Tombstone.Kind.ANNOTATION, annotation.pk)
    annotation.delete()


def _set_resolved(
    actor: Membership, document_id: UUID | str, annotation_id: UUID | str, *, resolved: bool
) -> Annotation:
    annotation = _locked(actor, document_id, annotation_id)
    if (annotation.resolved_at is not None) == resolved:
        return annotation  # already so: asking twice is not an error
    annotation.resolved_at = timezone.now() if resolved else None
    annotation.resolved_by_id = actor.user_id if resolved else None
    annotation.version += 1
    annotation.save(update_fields=["resolved_at", "resolved_by", "version", "updated_at"])
    _send(annotation, _annotation_event(annotation, "annotation.updated"))
    return annotation


@transaction.atomic
def annotation_resolve(*, actor: Membership, document_id: UUID | str, annotation_id: UUID | str) -> Annotation:
    """Any member who can comment resolves a thread; resolving a resolved one changes nothing."""
    return _set_resolved(actor, document_id, annotation_id, resolved=True)


@transaction.atomic
def annotation_reopen(*, actor: Membership, document_id: UUID | str, annotation_id: UUID | str) -> Annotation:
    return _set_resolved(actor, document_id, annotation_id, resolved=False)


# --- replies ---------------------------------------------------------------------------------------


def _touch(annotation: Annotation) -> None:
    """A thread changed: the annotation comes again in ``updated_after`` catch-ups. Its ``version``
    stays, since its own fields did not change and an edit of them must not conflict with a reply."""
    Annotation.objects.filter(pk=annotation.pk).update(updated_at=timezone.now())


def _reply_event(
    annotation: Annotation, reply: Reply, kind: Literal["reply.created", "reply.updated"]
) -> ReplyCreated | ReplyUpdated:
    team_id, document_id, annotation_id = str(annotation.team_id), str(annotation.document_id), str(annotation.pk)
    payload = reply_payload(reply)
    if kind == "reply.created":
        created: ReplyCreated = {
            "type": kind,
            "team_id": team_id,
            "document_id": document_id,
            "annotation_id": annotation_id,
            "reply": payload,
        }
        return created
    updated: ReplyUpdated = {
        "type": kind,
        "team_id": team_id,
        "document_id": document_id,
        "annotation_id": annotation_id,
        "reply": payload,
    }
    return updated


@transaction.atomic
def reply_create(*, actor: Membership, document_id: UUID | str, annotation_id: UUID | str, body: str) -> Reply:
    annotation = _locked(actor, document_id, annotation_id)
    reply = Reply.objects.create(
        annotation=annotation, author=actor.user, body=body, mentions=mentions_parse(actor=actor, text=body)
    )
    _touch(annotation)
    _send(annotation, _reply_event(annotation, reply, "reply.created"))
    _notify_mentions(actor, annotation, reply.mentions, reply=reply)
    return reply


@transaction.atomic
def reply_update(
    *,
    actor: Membership,
    document_id: UUID | str,
    annotation_id: UUID | str,
    reply_id: UUID | str,
    body: str,
    version: int,
) -> Reply:
    """The author's own reply only, from its current ``version`` (else 409 with the reply as it is)."""
    _ready_document(actor, document_id)
    reply = selectors.reply_get_for(
        user=actor.user,
        team=actor.team,
        document_id=document_id,
        annotation_id=annotation_id,
        reply_id=reply_id,
        for_update=True,
    )
    _require_author(actor, reply.author_id, "replies")
    if version != reply.version:
        raise ConflictError(
            "Someone changed this reply meanwhile. Here is how it is now; apply your change to it.",
            code="version_conflict",
            extra={"current": reply_payload(reply)},
        )
    if body == reply.body:
        return reply
    mentioned_before = list(reply.mentions)
    reply.body = body
    reply.mentions = mentions_parse(actor=actor, text=body)
    reply.version += 1
    reply.save(update_fields=["body", "mentions", "version", "updated_at"])
    _touch(reply.annotation)
    _send(reply.annotation, _reply_event(reply.annotation, reply, "reply.updated"))
    _notify_mentions(actor, reply.annotation, reply.mentions, already=mentioned_before, reply=reply)
    return reply


@transaction.atomic
def reply_delete(
    *, actor: Membership, document_id: UUID | str, annotation_id: UUID | str, reply_id: UUID | str
) -> None:
    """The author deletes their own reply; ``annotations.delete_any`` deletes anyone's."""
    _ready_document(actor, document_id)
    reply = selectors.reply_get_for(
        user=actor.user,
        team=actor.team,
        document_id=document_id,
        annotation_id=annotation_id,
        reply_id=reply_id,
        for_update=True,
    )
    if reply.author_id != actor.user_id:
        _require(actor, "annotations.delete_any")
    annotation = reply.annotation
    event: ReplyDeleted = {
        "type": "reply.deleted",
        "team_id": str(annotation.team_id),
        "document_id": str(annotation.document_id),
        "annotation_id": str(annotation.pk),
        "reply_id": str(reply.pk),
    }
    _tombstone(annotation, Tombstone.Kind.REPLY, reply.pk)
    reply.delete()
    _touch(annotation)
    _send(annotation, event)


# --- catch-up --------------------------------------------------------------------------------------


def tombstone_prune(*, now: datetime | None = None) -> int:
    """Forget removals older than ``ANNOTATIONS_TOMBSTONE_DAYS`` (daily, from beat); the list answers a
    cursor that old with everything instead (``selectors.catch_up_horizon``). How many were removed."""
    horizon = selectors.catch_up_horizon(now=now)
    deleted, _ = Tombstone.objects.filter(created_at__lt=horizon).delete()
    return deleted


# --- notifications ---------------------------------------------------------------------------------

EXCERPT_LENGTH = 200
# A burst of mentions (a discussion going on) waits this long, so that it makes one e-mail.
DIGEST_DELAY = timedelta(minutes=2)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "\u2026"


def notification_payload(notification: Notification) -> NotificationPayload:
    """Expects ``annotation__document``, ``reply`` and ``actor`` loaded (``selectors.notification_list_for``)."""
    annotation = notification.annotation
    return {
        "id": str(notification.pk),
        "kind": notification.kind,
        "team_id": str(notification.team_id),
        "document_id": str(annotation.document_id),
        "document_title": annotation.document.title,
        "page_index": annotation.page_index,
        "annotation_id": str(annotation.pk),
        "reply_id": None if notification.reply_id is None else str(notification.reply_id),
        "actor": _user_ref(notification.actor),
        "excerpt": _excerpt(notification.reply.body if notification.reply is not None else annotation.body),
        "created_at": _iso(notification.created_at) or "",
        "read_at": _iso(notification.read_at),
    }


def _notify_mentions(
    actor: Membership,
    annotation: Annotation,
    mentions: Iterable[str],
    *,
    already: Iterable[str] = (),
    reply: Reply | None = None,
) -> list[Notification]:
    """Notify the members newly mentioned (in ``mentions``, not in ``already``) by ``actor`` in the
    annotation or in ``reply``. Never for a private annotation, never the actor themself, and only
    those who are members of the team now. Called inside the transaction that wrote the mention."""
    if annotation.visibility != Visibility.TEAM:
        return []
    skip = {*map(str, already), str(actor.user_id)}
    wanted = [user_id for user_id in dict.fromkeys(map(str, mentions)) if user_id not in skip]
    if not wanted:
        return []
    members = {
        str(user_id)
        for user_id in team_scoped(Membership.objects.filter(user_id__in=wanted), team=actor.team).values_list(
            "user_id", flat=True
        )
    }
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                team=actor.team,
                recipient_id=user_id,
                kind=Notification.Kind.MENTION,
                annotation=annotation,
                reply=reply,
                actor=actor.user,
            )
            for user_id in wanted
            if user_id in members
        ]
    )
    for notification in notifications:
        event: NotificationCreated = {
            "type": "notification.created",
            "team_id": str(actor.team_id),
            "notification": notification_payload(notification),
        }
        send_on_commit(user_group(notification.recipient_id), event)
    return notifications


@transaction.atomic
def notification_mark_read(*, actor: Membership, ids: list[UUID] | None = None) -> int:
    """Mark the actor's notifications in this team read: those of ``ids`` (others' ids and unknown
    ones are ignored), or all when ``ids`` is None. Returns how many were unread."""
    notifications = selectors.notification_list_for(user=actor.user, team=actor.team).filter(read_at__isnull=True)
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    return notifications.update(read_at=timezone.now())


def notification_send_digests(*, now: datetime | None = None) -> int:
    """E-mail every member one message listing their unread mentions not e-mailed yet and older than
    ``DIGEST_DELAY`` (so a burst becomes one e-mail), across their teams, and mark them e-mailed.
    Mentions that are no longer visible to the recipient (made private, or they left the team) are
    left out. Returns the number of e-mails sent. Safe to run concurrently: rows are locked, skipping
    those another run holds."""
    cutoff = (now or timezone.now()) - DIGEST_DELAY
    due = Notification.objects.filter(
        Exists(Membership.objects.filter(team_id=OuterRef("team_id"), user_id=OuterRef("recipient_id"))),
        read_at__isnull=True,
        emailed_at__isnull=True,
        created_at__lte=cutoff,
        annotation__visibility=Visibility.TEAM,
    )
    sent = 0
    for recipient_id in due.values_list("recipient_id", flat=True).distinct():
        with transaction.atomic():
            notifications = list(
                due.filter(recipient_id=recipient_id)
                .select_for_update(of=("self",), skip_locked=True)
                .select_related("recipient", "actor", "reply", "annotation__document", "team")
                .defer(*detail_only_fields("annotation__document"))
                .order_by("created_at", "id")
            )
            if not notifications:
                continue
            try:
                _mail_digest(notifications)
            except (OSError, smtplib.SMTPException):
                # Unmarked, so the next run tries again; the other recipients still get theirs.
                logger.warning("mention digest to user %s failed", recipient_id, exc_info=True)
                continue
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
            sent += 1
    return sent


def notification_link(notification: Notification) -> str:
    """The place of the mention in the reader of the web app."""
    annotation = notification.annotation
    return (
        f"{settings.SITE_URL}/t/{notification.team_id}/documents/{annotation.document_id}"
        f"#page={annotation.page_index + 1}"
    )


def _mail_digest(notifications: list[Notification]) -> None:
    recipient = notifications[0].recipient
    count = len(notifications)
    lines = [f"Hello {recipient.name},", "", f"You were mentioned {count} time{'s' if count > 1 else ''}:", ""]
    for notification in notifications:
        who = notification.actor.name if notification.actor is not None else "Someone"
        annotation = notification.annotation
        lines += [
            f'- {who} in "{annotation.document.title}" ({notification.team.name}), page {annotation.page_index + 1}:',
            f"  {_excerpt(notification.reply.body if notification.reply is not None else annotation.body)}",
            f"  {notification_link(notification)}",
            "",
        ]
    lines.append("You receive this because you were mentioned and had not read it in Scrollkeeper yet.")
    subject = (
        "You were mentioned in Scrollkeeper" if count == 1 else f"You were mentioned {count} times in Scrollkeeper"
    )
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=False)

"""Mentions notify the mentioned member: in the app at once (and live), by e-mail in a digest later."""

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.core import mail
from django.utils import timezone

from annotations import services
from annotations.models import Notification
from documents.models import Document
from teams.models import Membership
from teams.services import member_remove
from tests.annotations.conftest import annotate, make_document
from tests.annotations.test_realtime import _cookie, _socket, run
from tests.teams.conftest import Lab, build_lab

pytestmark = pytest.mark.django_db


def _mentions_of(membership: Membership) -> list[Notification]:
    return list(Notification.objects.filter(recipient=membership.user).order_by("created_at", "id"))


def _age(minutes: float) -> None:
    """Every notification was made ``minutes`` ago."""
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_a_mention_in_a_note_notifies_the_member(lab: Lab, document: Document) -> None:
    annotation = annotate(lab.editor, document, "note", body="@Vi Viewer and @Ada Admin, look at this")
    (for_viewer,) = _mentions_of(lab.viewer)
    assert (for_viewer.kind, for_viewer.annotation_id, for_viewer.reply_id) == ("mention", annotation.pk, None)
    assert for_viewer.actor_id == lab.editor.user_id
    assert for_viewer.team_id == lab.team.pk
    assert len(_mentions_of(lab.admin)) == 1


def test_a_mention_in_a_reply_points_at_the_reply(lab: Lab, document: Document) -> None:
    annotation = annotate(lab.editor, document)
    reply = services.reply_create(
        actor=lab.viewer, document_id=document.pk, annotation_id=annotation.pk, body="@Ed Editor is this right?"
    )
    (notification,) = _mentions_of(lab.editor)
    assert notification.reply_id == reply.pk
    assert services.notification_payload(notification)["excerpt"] == "@Ed Editor is this right?"


def test_no_notification_for_oneself_a_private_annotation_or_a_non_member(lab: Lab, document: Document) -> None:
    annotate(lab.editor, document, "note", body="Note to self, @Ed Editor")
    private = annotate(lab.editor, document, "note", body="@Vi Viewer draft", visibility="private")
    services.reply_create(actor=lab.editor, document_id=document.pk, annotation_id=private.pk, body="@Ada Admin")
    outsider = build_lab("Other lab").viewer  # "@Vi Viewer" of another team: not parsed as a member here
    annotate(lab.editor, document, "note", body=f"@{outsider.user.email.split('@')[0]} hello")
    assert Notification.objects.count() == 0


def test_a_mentioned_member_who_left_meanwhile_is_not_notified(lab: Lab, document: Document) -> None:
    """GIVEN a private draft naming two members WHEN one leaves the team and the draft is then shared
    THEN only the one still a member is notified (the draft's mentions were parsed while both were)."""
    draft = annotate(lab.editor, document, "note", body="@Vi Viewer and @Ada Admin", visibility="private")
    member_remove(actor=lab.owner, membership_id=lab.admin.pk)
    services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=1, visibility="team"
    )
    assert len(_mentions_of(lab.viewer)) == 1
    assert _mentions_of(lab.admin) == []


def test_an_edit_notifies_only_the_newly_mentioned(lab: Lab, document: Document) -> None:
    annotation = annotate(lab.editor, document, "note", body="@Vi Viewer")
    services.annotation_update(
        actor=lab.editor,
        document_id=document.pk,
        annotation_id=annotation.pk,
        version=1,
        body="@Vi Viewer and now @Ada Admin",
    )
    assert len(_mentions_of(lab.viewer)) == 1
    assert len(_mentions_of(lab.admin)) == 1
    reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=annotation.pk, body="ok")
    services.reply_update(
        actor=lab.viewer,
        document_id=document.pk,
        annotation_id=annotation.pk,
        reply_id=reply.pk,
        version=1,
        body="ok @Olga Owner",
    )
    services.reply_update(
        actor=lab.viewer,
        document_id=document.pk,
        annotation_id=annotation.pk,
        reply_id=reply.pk,
        version=2,
        body="ok @Olga Owner, really",
    )
    assert len(_mentions_of(lab.owner)) == 1


def test_sharing_a_private_draft_notifies_its_mentions(lab: Lab, document: Document) -> None:
    draft = annotate(lab.editor, document, "note", body="@Vi Viewer see", visibility="private")
    assert _mentions_of(lab.viewer) == []
    services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=draft.pk, version=1, visibility="team"
    )
    assert len(_mentions_of(lab.viewer)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_recipient_hears_of_the_mention_live() -> None:
    lab = build_lab()
    document = make_document(lab.team)
    viewer, admin = _cookie(lab.viewer.user), _cookie(lab.admin.user)
    create = database_sync_to_async(annotate)

    async def scenario() -> None:
        mentioned, other = _socket(viewer), _socket(admin)
        assert (await mentioned.connect())[0]
        assert (await other.connect())[0]
        await create(lab.editor, document, "note", body="@Vi Viewer please check")
        event = await mentioned.receive_json_from(timeout=3)
        assert event["type"] == "notification.created"
        assert event["team_id"] == str(lab.team.pk)
        assert event["notification"]["document_id"] == str(document.pk)
        assert event["notification"]["actor"]["name"] == "Ed Editor"
        assert event["notification"]["excerpt"] == "@Vi Viewer please check"
        assert await other.receive_nothing(timeout=0.3)  # not viewing the document, not mentioned
        await mentioned.disconnect()
        await other.disconnect()

    run(scenario)


# --- API ----------------------------------------------------------------------------------------------


def _url(lab: Lab, suffix: str = "") -> str:
    return f"/api/v1/teams/{lab.team.pk}/notifications{suffix}"


def test_the_list_is_the_callers_newest_first_with_the_unread_count(
    lab: Lab, document: Document, django_assert_max_num_queries: Any
) -> None:
    for number in range(3):
        annotate(lab.editor, document, "note", body=f"@Vi Viewer number {number}")
    annotate(lab.editor, document, "note", body="@Ada Admin only")
    client = lab.client("viewer")
    client.get(_url(lab))  # the session is written on the first request
    with django_assert_max_num_queries(6):  # session, user, membership, page, count: whatever the page size
        response = client.get(_url(lab), {"page_size": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["excerpt"] for item in body["results"]] == ["@Vi Viewer number 2", "@Vi Viewer number 1"]
    assert body["unread_count"] == 3
    assert body["next"] is not None
    rest = lab.client("viewer").get(body["next"]).json()
    assert [item["excerpt"] for item in rest["results"]] == ["@Vi Viewer number 0"]
    first = body["results"][0]
    assert set(first) == set(services.notification_payload(Notification.objects.get(pk=first["id"])))
    assert first["read_at"] is None
    assert first["page_index"] == 0
    assert first["document_title"] == document.title


def test_marking_read_some_then_all(lab: Lab, document: Document) -> None:
    for number in range(3):
        annotate(lab.editor, document, "note", body=f"@Vi Viewer {number}")
    admins = annotate(lab.editor, document, "note", body="@Ada Admin")
    ids = [item["id"] for item in lab.client("viewer").get(_url(lab)).json()["results"]]
    client = lab.client("viewer")
    response = client.post(_url(lab, "/read"), {"ids": [ids[0], str(admins.pk)]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"marked": 1, "unread_count": 2}
    assert client.post(_url(lab, "/read"), {}, format="json").json() == {"marked": 2, "unread_count": 0}
    assert client.get(_url(lab)).json()["results"][0]["read_at"] is not None
    assert Notification.objects.get(recipient=lab.admin.user).read_at is None  # someone else's untouched


def test_an_outsider_gets_404(lab: Lab) -> None:
    other = build_lab("Other lab")
    assert other.client("owner").get(_url(lab)).status_code == 404
    assert other.client("owner").post(_url(lab, "/read"), {}, format="json").status_code == 404


# --- the e-mail digest -------------------------------------------------------------------------------


def test_the_digest_sends_one_mail_per_recipient_with_all_their_mentions_once(
    lab: Lab, document: Document, settings: Any
) -> None:
    settings.SITE_URL = "https://scrollkeeper.example"
    annotate(lab.editor, document, "note", body="@Vi Viewer first", page_index=1)
    annotation = annotate(lab.editor, document, "note", body="@Vi Viewer second and @Ada Admin")
    services.reply_create(actor=lab.admin, document_id=document.pk, annotation_id=annotation.pk, body="@Vi Viewer 3")
    _age(3)

    assert services.notification_send_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {lab.viewer.user.email, lab.admin.user.email}
    to_viewer = by_recipient[lab.viewer.user.email]
    assert to_viewer.subject == "You were mentioned 3 times in Scrollkeeper"
    for text in ("@Vi Viewer first", "@Vi Viewer second", "@Vi Viewer 3"):
        assert text in to_viewer.body
    link = f"https://scrollkeeper.example/t/{lab.team.pk}/documents/{document.pk}"
    assert f"{link}#page=2" in to_viewer.body
    assert f"{link}#page=1" in to_viewer.body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0

    assert services.notification_send_digests() == 0
    assert len(mail.outbox) == 2


def test_the_digest_waits_for_a_burst_and_skips_what_was_read(lab: Lab, document: Document) -> None:
    annotate(lab.editor, document, "note", body="@Vi Viewer read already")
    annotate(lab.editor, document, "note", body="@Ada Admin just now")
    _age(3)
    services.notification_mark_read(actor=lab.viewer)
    annotate(lab.editor, document, "note", body="@Vi Viewer just now")
    assert services.notification_send_digests() == 1  # the admin's; the viewer's new one is too young
    assert [message.to for message in mail.outbox] == [[lab.admin.user.email]]


def test_the_task_runs_the_digest(lab: Lab, document: Document) -> None:
    from annotations.tasks import send_mention_digests

    annotate(lab.editor, document, "note", body="@Vi Viewer")
    _age(3)
    assert send_mention_digests.apply().get() == 1

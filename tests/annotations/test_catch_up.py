"""Catching up after a reconnect: ``?updated_after=`` brings what changed and, from the tombstones, what
was removed from the member's view since; a cursor older than the tombstones gets the whole list."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, Tombstone
from annotations.tasks import prune_tombstones
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import annotate, make_document
from tests.factories import make_team
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db


def _catch_up(lab: Lab, document: Document, since: datetime | str | None, role: str = Role.VIEWER) -> Any:
    params = {} if since is None else {"updated_after": since if isinstance(since, str) else since.isoformat()}
    response = lab.client(role).get(lab.url(f"/documents/{document.pk}/annotations"), params)
    assert response.status_code == 200, response.content
    return response.json()


def _ids(body: Any) -> set[str]:
    return {annotation["id"] for annotation in body["results"]}


def test_a_deleted_annotation_and_a_deleted_reply_come_in_the_catch_up(lab: Lab, document: Document) -> None:
    doomed = annotate(lab.editor, document, body="Wrong")
    thread = annotate(lab.editor, document, "note", page_index=1)
    reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=thread.pk, body="Typo")
    cursor = _catch_up(lab, document, None)["cursor"]  # the viewer goes offline here

    services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=doomed.pk)
    services.reply_delete(actor=lab.admin, document_id=document.pk, annotation_id=thread.pk, reply_id=reply.pk)

    for role in (Role.VIEWER, Role.OWNER):
        body = _catch_up(lab, document, cursor, role)
        assert body["full"] is False
        assert body["deleted"] == {"annotations": [str(doomed.pk)], "replies": [str(reply.pk)]}
        assert _ids(body) == {str(thread.pk)}  # its thread changed: it comes whole, without the reply
        assert body["results"][0]["replies"] == []


def test_without_a_cursor_the_whole_list_comes_with_one(lab: Lab, document: Document) -> None:
    kept = annotate(lab.editor, document)
    gone = annotate(lab.editor, document, "note")
    services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=gone.pk)
    before = timezone.now()

    body = _catch_up(lab, document, None)

    assert (body["full"], body["deleted"], _ids(body)) == (True, {"annotations": [], "replies": []}, {str(kept.pk)})
    cursor = datetime.fromisoformat(body["cursor"])
    # A little before the read, so that a change committed while it ran comes again rather than never.
    assert before - timedelta(minutes=5) < cursor < before


def test_an_annotation_made_private_leaves_the_others_but_not_its_author(lab: Lab, document: Document) -> None:
    shared = annotate(lab.editor, document, body="Draft after all")
    since = timezone.now()

    services.annotation_update(
        actor=lab.editor, document_id=document.pk, annotation_id=shared.pk, version=1, visibility="private"
    )

    others = _catch_up(lab, document, since, Role.VIEWER)
    assert (others["deleted"]["annotations"], _ids(others)) == ([str(shared.pk)], set())
    author = _catch_up(lab, document, since, Role.EDITOR)
    assert (author["deleted"]["annotations"], _ids(author)) == ([], {str(shared.pk)})
    assert author["results"][0]["visibility"] == "private"


def test_an_annotation_shared_again_comes_back_instead_of_being_removed(lab: Lab, document: Document) -> None:
    shared = annotate(lab.editor, document)
    since = timezone.now()
    for version, visibility in ((1, "private"), (2, "team")):
        services.annotation_update(
            actor=lab.editor, document_id=document.pk, annotation_id=shared.pk, version=version, visibility=visibility
        )

    body = _catch_up(lab, document, since)

    assert (body["deleted"]["annotations"], _ids(body)) == ([], {str(shared.pk)})


def test_what_was_private_is_not_revealed_by_its_removal(lab: Lab, document: Document) -> None:
    """GIVEN the admin's private draft with a reply of their own WHEN both are deleted THEN only the admin
    hears of it: to the others the ids never existed."""
    draft = annotate(lab.admin, document, body="Secret", visibility="private")
    reply = services.reply_create(actor=lab.admin, document_id=document.pk, annotation_id=draft.pk, body="Me")
    since = timezone.now()
    services.reply_delete(actor=lab.admin, document_id=document.pk, annotation_id=draft.pk, reply_id=reply.pk)
    services.annotation_delete(actor=lab.admin, document_id=document.pk, annotation_id=draft.pk)

    assert _catch_up(lab, document, since, Role.OWNER)["deleted"] == {"annotations": [], "replies": []}
    assert _catch_up(lab, document, since, Role.ADMIN)["deleted"] == {
        "annotations": [str(draft.pk)],
        "replies": [str(reply.pk)],
    }


def test_removals_before_the_cursor_or_on_other_documents_are_not_sent(lab: Lab, document: Document) -> None:
    other = make_document(lab.team, title="Other")
    early = annotate(lab.editor, document)
    elsewhere = annotate(lab.editor, other)
    services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=early.pk)
    since = timezone.now()
    services.annotation_delete(actor=lab.editor, document_id=other.pk, annotation_id=elsewhere.pk)

    assert _catch_up(lab, document, since)["deleted"] == {"annotations": [], "replies": []}


def test_another_teams_removals_never_reach_this_team(lab: Lab, document: Document) -> None:
    """Tombstones are scoped to the team as well as the document: a row of another team recorded
    against this document's id (which no service would write) is still not sent."""
    since = timezone.now()
    stranger = make_team(name="Elsewhere")
    Tombstone.objects.create(team=stranger, document=document, kind=Tombstone.Kind.ANNOTATION, object_id=document.pk)
    assert _catch_up(lab, document, since)["deleted"] == {"annotations": [], "replies": []}


def test_a_cursor_older_than_the_tombstones_gets_the_whole_list(lab: Lab, document: Document, settings: Any) -> None:
    settings.ANNOTATIONS_TOMBSTONE_DAYS = 30
    old = annotate(lab.editor, document)
    Annotation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=40))
    gone = annotate(lab.editor, document, "note")
    services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=gone.pk)

    body = _catch_up(lab, document, timezone.now() - timedelta(days=31))

    assert body["full"] is True
    assert _ids(body) == {str(old.pk)}  # unchanged for 40 days, but the browser must replace its list
    assert body["deleted"] == {"annotations": [], "replies": []}
    assert _catch_up(lab, document, timezone.now() - timedelta(days=29))["full"] is False


def test_the_daily_prune_forgets_removals_past_the_horizon(lab: Lab, document: Document, settings: Any) -> None:
    settings.ANNOTATIONS_TOMBSTONE_DAYS = 30
    for annotation in (annotate(lab.editor, document), annotate(lab.editor, document, "note")):
        services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=annotation.pk)
    stale = Tombstone.objects.order_by("created_at").first()
    assert stale is not None
    Tombstone.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert prune_tombstones() == 1
    assert list(Tombstone.objects.values_list("pk", flat=True)) != [stale.pk]
    assert Tombstone.objects.count() == 1


def test_the_catch_up_costs_the_same_queries_for_1_or_20_removals(
    lab: Lab, document: Document, django_assert_max_num_queries: Any
) -> None:
    client = lab.client(Role.VIEWER)
    url = lab.url(f"/documents/{document.pk}/annotations")
    since = (timezone.now() - timedelta(seconds=1)).isoformat()

    def churn(count: int) -> None:
        for _ in range(count):
            thread = annotate(lab.editor, document, "note")
            reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=thread.pk, body="x")
            services.reply_delete(actor=lab.viewer, document_id=document.pk, annotation_id=thread.pk, reply_id=reply.pk)
            annotate(lab.editor, document, "note", body="stays")
            services.annotation_delete(actor=lab.editor, document_id=document.pk, annotation_id=thread.pk)

    churn(1)
    client.get(url)  # warm the session
    with django_assert_max_num_queries(8) as one:
        assert len(client.get(url, {"updated_after": since}).json()["deleted"]["annotations"]) == 1
    churn(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = client.get(url, {"updated_after": since}).json()
    assert (len(body["deleted"]["annotations"]), len(body["deleted"]["replies"]), len(body["results"])) == (20, 20, 20)

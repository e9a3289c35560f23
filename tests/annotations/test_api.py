"""The annotation endpoints: shapes, validation, private visibility, versions, threads, catch-up."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations import services
from annotations.models import Annotation
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import AREA, HIGHLIGHT, NOTE, annotate, make_document
from tests.factories import make_team
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db


def _url(lab: Lab, document: Document, suffix: str = "") -> str:
    return lab.url(f"/documents/{document.pk}/annotations{suffix}")


def _create(lab: Lab, document: Document, role: str = Role.EDITOR, **body: Any) -> Any:
    body.setdefault("kind", "highlight")
    body.setdefault("page_index", 0)
    body.setdefault("anchors", HIGHLIGHT)
    return lab.client(role).post(_url(lab, document), body, format="json")


# --- creating -----------------------------------------------------------------------------------------


def test_an_editor_highlights_and_gets_the_annotation_back(lab: Lab, document: Document) -> None:
    response = _create(lab, document, body="**Key** result, @Ada Admin", color="blue")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "highlight"
    assert (body["color"], body["visibility"], body["version"], body["page_index"]) == ("blue", "team", 1, 0)
    assert body["body"] == "**Key** result, @Ada Admin"  # stored raw; the browser renders Markdown safely
    assert body["anchors"] == HIGHLIGHT
    assert body["author"] == {"id": str(lab.editor.user_id), "name": "Ed Editor", "email": lab.editor.user.email}
    assert body["mentions"] == [str(lab.admin.user_id)]
    assert (body["assignee"], body["resolved_at"], body["resolved_by"], body["replies"]) == (None, None, None, [])


def test_annotation_requests_do_not_read_the_documents_outline(lab: Lab, document: Document) -> None:
    # Each of them looks the document up or joins it; a manual's outline alone runs to ~100 KB.
    editor, owner = lab.client(Role.EDITOR), lab.client(Role.OWNER)
    with CaptureQueriesContext(connection) as requests:
        created = _create(lab, document, body="@Olga Owner, see this")
        assert created.status_code == 201
        annotation = _url(lab, document, f"/{created.json()['id']}")
        assert editor.get(_url(lab, document)).status_code == 200
        assert editor.patch(annotation, {"version": 1, "color": "blue"}, format="json").status_code == 200
        assert editor.post(f"{annotation}/replies", {"body": "and this"}, format="json").status_code == 201
        assert owner.get(lab.url("/notifications")).json()["results"]
        assert editor.post(_url(lab, document, "/exports"), {"format": "pdf"}, format="json").status_code == 202
    read = " ".join(query["sql"] for query in requests.captured_queries)
    assert '"documents_document"."title"' in read
    assert '"documents_document"."outline"' not in read
    assert '"documents_document"."metadata"' not in read


def test_a_viewer_comments_but_may_not_highlight(lab: Lab, document: Document) -> None:
    assert _create(lab, document, Role.VIEWER, kind="note", anchors=NOTE, body="Hm").status_code == 201
    response = _create(lab, document, Role.VIEWER)
    assert response.status_code == 403
    assert (response.json()["code"], response.json()["permission"]) == ("permission_denied", "annotations.highlight")


@pytest.mark.parametrize(
    ("kind", "anchors", "field_error"),
    [
        ("highlight", {"position": {"start": 0, "end": 3}, "rects": [[0, 0, 1, 1]]}, "quote"),
        ("highlight", {"quote": {"exact": "x"}, "rects": [[0, 0, 1, 1]]}, "position"),
        ("highlight", {"quote": {"exact": "x"}, "position": {"start": 0, "end": 1}}, "rects"),
        ("highlight", {**HIGHLIGHT, "position": {"start": 5, "end": 2}}, "position"),
        ("highlight", {**HIGHLIGHT, "rects": [[10, 0, 5, 1]]}, "rects"),
        ("highlight", {**HIGHLIGHT, "rects": [[0, 0, 1]]}, "rects"),
        ("highlight", {**HIGHLIGHT, "quote": {"exact": ""}}, "quote"),
        ("area", {}, "rects"),
        ("area", {"rects": []}, "rects"),
        ("note", {"rects": [[0, 0, 1, 1]]}, "point"),
        ("note", {"point": [1]}, "point"),
    ],
)
def test_anchors_are_validated_per_kind(
    lab: Lab, document: Document, kind: str, anchors: dict[str, Any], field_error: str
) -> None:
    response = _create(lab, document, kind=kind, anchors=anchors, body="text")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert any(message.startswith(f"{field_error}:") for message in body["fields"]["anchors"]), body


def test_colour_page_and_body_are_validated(lab: Lab, document: Document) -> None:
    assert _create(lab, document, color="chartreuse").json()["fields"].keys() == {"color"}
    assert _create(lab, document, color="#12345").status_code == 400
    assert _create(lab, document, color="#A0b1C2").status_code == 201
    assert _create(lab, document, page_index=-1).json()["fields"].keys() == {"page_index"}
    assert _create(lab, document, body="x" * 20_001).json()["fields"].keys() == {"body"}
    spanning = {**HIGHLIGHT, "page_end": 1, "position": {"start": 900, "end": 12}}
    assert _create(lab, document, anchors=spanning).status_code == 201
    assert _create(lab, document, page_index=2, anchors={**HIGHLIGHT, "page_end": 1}).status_code == 400


def test_the_document_must_be_the_teams_and_ready(lab: Lab, document: Document) -> None:
    theirs = make_document(make_team(name="Elsewhere"), title="Theirs")
    assert _create(lab, theirs).status_code == 404
    assert lab.client(Role.EDITOR).get(_url(lab, theirs)).status_code == 404
    failed = make_document(lab.team, state=Document.State.FAILED, title="Broken")
    response = _create(lab, failed)
    assert (response.status_code, response.json()["code"]) == (409, "document_not_ready")


# --- reading: private annotations are their author's alone ------------------------------------------


def test_private_annotations_are_invisible_to_everyone_else(lab: Lab, document: Document) -> None:
    draft = annotate(lab.editor, document, visibility="private", body="half-baked")
    shared = annotate(lab.editor, document, body="for all")
    author = lab.client(Role.EDITOR)
    assert [a["id"] for a in author.get(_url(lab, document)).json()["results"]] == [str(draft.pk), str(shared.pk)]
    assert author.get(_url(lab, document, f"/{draft.pk}")).status_code == 200
    for role in (Role.OWNER, Role.ADMIN, Role.VIEWER):
        client = lab.client(role)
        assert [a["id"] for a in client.get(_url(lab, document)).json()["results"]] == [str(shared.pk)]
        for method, suffix, body in [
            ("get", "", None),
            ("patch", "", {"version": 1, "assignee_id": None}),
            ("delete", "", None),
            ("post", "/replies", {"body": "hi"}),
            ("post", "/resolve", None),
            ("post", "/reopen", None),
        ]:
            response = getattr(client, method)(_url(lab, document, f"/{draft.pk}{suffix}"), body, format="json")
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), (role, method, suffix)
    assert Annotation.objects.get(pk=draft.pk).version == 1


def test_the_list_is_by_page_then_position(lab: Lab, document: Document) -> None:
    late = annotate(lab.editor, document, page_index=1, anchors={**HIGHLIGHT, "position": {"start": 1, "end": 2}})
    area = annotate(lab.editor, document, "area", anchors=AREA)
    second = annotate(lab.editor, document, anchors={**HIGHLIGHT, "position": {"start": 50, "end": 60}})
    first = annotate(lab.editor, document, anchors={**HIGHLIGHT, "position": {"start": 5, "end": 9}})
    results = lab.client(Role.VIEWER).get(_url(lab, document)).json()["results"]
    assert [a["id"] for a in results] == [str(first.pk), str(second.pk), str(area.pk), str(late.pk)]


def test_the_list_costs_the_same_queries_for_1_or_30_annotations(
    lab: Lab, document: Document, django_assert_max_num_queries: Any
) -> None:
    client = lab.client(Role.VIEWER)

    def fill(count: int) -> None:
        for index in range(count):
            annotation = annotate(lab.editor, document, "note", body=f"@Ada Admin {index}", page_index=index % 5)
            services.annotation_update(
                actor=lab.viewer, document_id=document.pk, annotation_id=annotation.pk, version=1,
                assignee_id=lab.owner.user_id,
            )  # fmt: skip
            services.annotation_resolve(actor=lab.admin, document_id=document.pk, annotation_id=annotation.pk)
            services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=annotation.pk, body="ok")

    fill(1)
    client.get(_url(lab, document))  # warm the session
    with django_assert_max_num_queries(7) as one:
        assert len(client.get(_url(lab, document)).json()["results"]) == 1
    fill(29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        results = client.get(_url(lab, document)).json()["results"]
    assert len(results) == 30
    assert all(len(a["replies"]) == 1 and a["assignee"] and a["resolved_by"] for a in results)


def test_updated_after_returns_what_changed_since_including_new_replies(lab: Lab, document: Document) -> None:
    old = annotate(lab.editor, document)
    untouched = annotate(lab.editor, document, "area", anchors=AREA)
    Annotation.objects.filter(pk__in=[old.pk, untouched.pk]).update(updated_at=timezone.now() - timedelta(hours=1))
    since = timezone.now() - timedelta(minutes=1)
    fresh = annotate(lab.editor, document, "note", body="new")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=old.pk, body="missed this?")

    response = lab.client(Role.VIEWER).get(_url(lab, document), {"updated_after": since.isoformat()})
    results = response.json()["results"]
    assert {a["id"] for a in results} == {str(old.pk), str(fresh.pk)}
    assert next(a for a in results if a["id"] == str(old.pk))["replies"][0]["body"] == "missed this?"
    assert lab.client(Role.VIEWER).get(_url(lab, document), {"updated_after": "yesterday"}).status_code == 400


# --- updating ---------------------------------------------------------------------------------------------


def test_a_stale_patch_gets_409_with_the_current_annotation(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document, body="v1")
    client = lab.client(Role.EDITOR)
    url = _url(lab, document, f"/{highlight.pk}")
    ok = client.patch(url, {"version": 1, "body": "v2"}, format="json")
    assert (ok.status_code, ok.json()["version"], ok.json()["body"]) == (200, 2, "v2")

    stale = client.patch(url, {"version": 1, "body": "from an old tab"}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "version_conflict"
    assert body["detail"]
    assert body["current"] == client.get(url).json()
    assert (body["current"]["body"], body["current"]["version"]) == ("v2", 2)
    assert client.patch(url, {"body": "no version"}, format="json").json()["fields"].keys() == {"version"}


def test_others_may_assign_but_not_edit(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    url = _url(lab, document, f"/{highlight.pk}")
    viewer = lab.client(Role.VIEWER)
    assert viewer.patch(url, {"version": 1, "body": "mine"}, format="json").status_code == 403
    response = viewer.patch(url, {"version": 1, "assignee_id": str(lab.admin.user_id)}, format="json")
    assert response.json()["assignee"]["id"] == str(lab.admin.user_id)
    outsider = make_team(name="Elsewhere").created_by
    assert outsider is not None
    response = viewer.patch(url, {"version": 2, "assignee_id": str(outsider.pk)}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "assignee_not_member")
    assert response.json()["fields"].keys() == {"assignee_id"}


def test_delete_own_or_as_admin(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    url = _url(lab, document, f"/{highlight.pk}")
    assert lab.client(Role.VIEWER).delete(url).status_code == 403
    assert lab.client(Role.ADMIN).delete(url).status_code == 204
    assert lab.client(Role.EDITOR).get(url).status_code == 404


# --- threads ----------------------------------------------------------------------------------------------


def test_a_thread_replied_to_edited_resolved_and_reopened(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document)
    base = _url(lab, document, f"/{highlight.pk}")
    viewer, editor = lab.client(Role.VIEWER), lab.client(Role.EDITOR)

    created = viewer.post(f"{base}/replies", {"body": "Is this right, @Ed Editor?"}, format="json")
    assert created.status_code == 201
    reply = created.json()
    assert (reply["annotation_id"], reply["version"], reply["mentions"]) == (
        str(highlight.pk),
        1,
        [str(lab.editor.user_id)],
    )
    reply_url = f"{base}/replies/{reply['id']}"
    assert editor.patch(reply_url, {"body": "hijack", "version": 1}, format="json").status_code == 403
    edited = viewer.patch(reply_url, {"body": "Is this right?", "version": 1}, format="json")
    assert (edited.json()["body"], edited.json()["version"]) == ("Is this right?", 2)
    stale = viewer.patch(reply_url, {"body": "again", "version": 1}, format="json")
    assert (stale.status_code, stale.json()["current"]["version"]) == (409, 2)
    assert viewer.post(f"{base}/replies", {"body": ""}, format="json").status_code == 400

    resolved = viewer.post(f"{base}/resolve").json()
    assert (resolved["resolved_by"]["id"], resolved["version"]) == (str(lab.viewer.user_id), 2)
    assert [r["body"] for r in resolved["replies"]] == ["Is this right?"]
    reopened = editor.post(f"{base}/reopen").json()
    assert (reopened["resolved_at"], reopened["version"]) == (None, 3)

    assert editor.delete(reply_url).status_code == 403
    assert lab.client(Role.ADMIN).delete(reply_url).status_code == 204
    assert viewer.get(base).json()["replies"] == []

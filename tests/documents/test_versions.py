"""New versions of a document: uploaded like a document (presigned POST to moto), parsed again, listed,
each downloadable; the document keeps its id, tags and history."""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from rest_framework.test import APIClient

from accounts.models import User
from core.storage import get_storage
from documents.models import Document, DocumentVersion, Page, Upload
from documents.services import document_parse, document_update, uploads_clean_abandoned
from teams.models import AuditEvent, Membership, Team
from teams.roles import Role
from tests.documents.conftest import client_for
from tests.documents.pdfs import write_pdf
from tests.factories import UserFactory, make_team

pytestmark = pytest.mark.django_db


def _url(team: Team, suffix: str = "") -> str:
    return f"/api/v1/teams/{team.pk}/documents{suffix}"


def _pdf(tmp_path: Path, name: str, pages: list[str]) -> bytes:
    return write_pdf(tmp_path / name, pages).read_bytes()


def _upload(client: APIClient, team: Team, data: bytes, *, document: Any = None, filename: str = "paper.pdf") -> Any:
    """Start, send the bytes as the browser does (the presigned POST), complete: the complete's response."""
    body: dict[str, Any] = {"filename": filename, "size": len(data), "content_type": "application/pdf"}
    if document is not None:
        body["document"] = str(document)
    start = client.post(_url(team, "/uploads"), body, format="json")
    assert start.status_code == 201, start.json()
    target = start.json()["target"]
    sent = requests.post(target["url"], data=target["fields"], files={"file": ("a.pdf", data)}, timeout=10)
    assert sent.status_code in {200, 204}, sent.text
    return client.post(_url(team, f"/uploads/{start.json()['id']}/complete"), {}, format="json")


@pytest.fixture
def v1(tmp_path: Path) -> bytes:
    return _pdf(tmp_path, "v1.pdf", ["First draft of the paper.", "Results: none yet."])


@pytest.fixture
def v2(tmp_path: Path) -> bytes:
    return _pdf(tmp_path, "v2.pdf", ["Second draft of the paper.", "Results: many.", "Appendix."])


@pytest.fixture
def parsed(owner: User, owner_client: APIClient, team: Team, v1: bytes) -> Document:
    """The owner's document, uploaded through the API and parsed: version 1, tagged."""
    response = _upload(owner_client, team, v1, filename="draft.pdf")
    assert response.status_code == 201, response.json()
    document_parse(document_id=response.json()["id"])
    actor = Membership.objects.get(team=team, user=owner)
    document_update(actor=actor, document_id=response.json()["id"], tags=["optics"])
    return Document.objects.get(pk=response.json()["id"])


def test_a_new_version_keeps_the_document_and_its_tags(
    owner_client: APIClient, team: Team, parsed: Document, v1: bytes, v2: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    assert parsed.version == 1
    first_key = parsed.storage_key

    with django_capture_on_commit_callbacks() as callbacks:
        response = _upload(owner_client, team, v2, document=parsed.pk, filename="draft-v2.pdf")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == str(parsed.pk)
    assert body["version"] == 2
    assert body["state"] == "queued"
    assert body["tags"] == ["optics"]
    assert len(callbacks) == 3  # "queued" and "changed" to the team, and the parse task
    document = Document.objects.get(pk=parsed.pk)
    assert document.storage_key != first_key
    assert document.filename == "draft-v2.pdf"
    assert Document.objects.count() == 1
    audited = AuditEvent.objects.get(team=team, action="document.version_uploaded")
    assert (audited.data["title"], audited.data["version"]) == (document.title, 2)
    # The pages of version 1 stay until the parse of version 2 replaces them.
    assert Page.objects.get(document=document, index=0).text.startswith("First draft")

    document_parse(document_id=str(document.pk))
    document.refresh_from_db()
    assert document.state == Document.State.READY
    assert document.pages_total == 3
    assert Page.objects.get(document=document, index=0).text.startswith("Second draft")
    detail = owner_client.get(_url(team, f"/{document.pk}")).json()
    assert detail["version"] == 2
    assert detail["tags"] == ["optics"]

    versions = owner_client.get(_url(team, f"/{document.pk}/versions")).json()["results"]
    assert [(item["number"], item["is_current"], item["pages_total"]) for item in versions] == [
        (2, True, 3),
        (1, False, 2),
    ]
    assert versions[0]["filename"] == "draft-v2.pdf"
    assert versions[0]["sha256"] == document.sha256
    assert versions[1]["size"] == len(v1)

    old = owner_client.get(_url(team, f"/{document.pk}/versions/1/download")).json()
    downloaded = requests.get(old["url"], timeout=10)
    assert downloaded.content == v1
    assert downloaded.headers["Content-Disposition"].startswith("attachment")
    current = owner_client.get(_url(team, f"/{document.pk}/versions/2/download"), {"inline": "1"}).json()
    assert requests.get(current["url"], timeout=10).content == v2


def test_deleting_the_document_removes_every_version(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    assert _upload(owner_client, team, v2, document=parsed.pk).status_code == 201
    keys = list(DocumentVersion.objects.filter(document=parsed).values_list("storage_key", flat=True))
    assert len(keys) == 2
    assert all(get_storage().head(key=key) is not None for key in keys)
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_client.delete(_url(team, f"/{parsed.pk}")).status_code == 204
    assert not DocumentVersion.objects.exists()
    assert all(get_storage().head(key=key) is None for key in keys)


def test_earlier_versions_are_not_cleaned_as_abandoned(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes, settings: Any
) -> None:
    assert _upload(owner_client, team, v2, document=parsed.pk).status_code == 201
    settings.UPLOAD_ABANDONED_AFTER = -60  # every object counts as old
    uploads_clean_abandoned()
    for key in DocumentVersion.objects.values_list("storage_key", flat=True):
        assert get_storage().head(key=key) is not None


def test_a_document_being_parsed_takes_no_new_version(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes
) -> None:
    Document.objects.filter(pk=parsed.pk).update(state=Document.State.PARSING)
    body = {"filename": "v2.pdf", "size": len(v2), "document": str(parsed.pk)}
    response = owner_client.post(_url(team, "/uploads"), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "document_busy"
    assert not Upload.objects.filter(state=Upload.State.PENDING).exists()


def test_a_failed_document_can_be_replaced_by_a_new_version(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes
) -> None:
    Document.objects.filter(pk=parsed.pk).update(state=Document.State.FAILED, error_code="corrupt")
    response = _upload(owner_client, team, v2, document=parsed.pk)
    assert response.status_code == 201
    assert response.json()["state"] == "queued"
    assert response.json()["error"] is None


def test_a_new_version_that_cannot_be_read_leaves_the_document_on_the_one_before(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN a parsed document WHEN a damaged file is uploaded as its new version THEN the document stays
    ready on version 1 (its file, pages and annotations untouched), version 2 is listed with why it could
    not be read, members hear of the failure and of the change, and the next upload is version 3."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from documents.events import team_group

    pages_before = list(Page.objects.filter(document=parsed).values_list("index", "text"))
    layer = get_channel_layer()
    assert layer is not None
    listener = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(team_group(team.pk), listener)
    damaged = b"%PDF-1.7\n" + bytes(range(256)) * 64

    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(owner_client, team, damaged, document=parsed.pk, filename="broken.pdf").status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        document_parse(document_id=str(parsed.pk))

    document = owner_client.get(_url(team, f"/{parsed.pk}")).json()
    assert (document["state"], document["version"], document["error"]) == ("ready", 1, None)
    assert (
        Document.objects.get(pk=parsed.pk).storage_key
        == DocumentVersion.objects.get(document=parsed, number=1).storage_key
    )
    assert list(Page.objects.filter(document=parsed).values_list("index", "text")) == pages_before
    versions = owner_client.get(_url(team, f"/{parsed.pk}/versions")).json()["results"]
    assert [(item["number"], item["is_current"], item["error"] and item["error"]["code"]) for item in versions] == [
        (2, False, "corrupt"),
        (1, True, None),
    ]
    heard = async_to_sync(_drain)(layer, listener)
    assert [(event["type"], event.get("state")) for event in heard][-2:] == [
        ("document.progress", "failed"),
        ("document.changed", None),  # last: browsers fetch the document again, ready on version 1
    ]
    assert heard[-2]["error"]["code"] == "corrupt"

    assert _upload(owner_client, team, v2, document=parsed.pk).json()["version"] == 3


def test_a_new_version_storage_could_not_give_stays_failed_and_retryable(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes
) -> None:
    """GIVEN a new version WHEN storage could not give its file through every retry THEN the document is
    failed with ``storage_unavailable`` on that version (the file may be fine: Retry tries it again),
    rather than sent back to the version before as an unreadable file would be."""
    from documents.services import document_fail_unavailable

    assert _upload(owner_client, team, v2, document=parsed.pk).status_code == 201
    document_fail_unavailable(document_id=str(parsed.pk))

    document = owner_client.get(_url(team, f"/{parsed.pk}")).json()
    assert (document["state"], document["version"], document["error"]["code"]) == ("failed", 2, "storage_unavailable")
    assert DocumentVersion.objects.get(document=parsed, number=2).error_code == ""
    assert owner_client.post(_url(team, f"/{parsed.pk}/retry")).status_code == 202


async def _drain(layer: Any, channel: str) -> list[dict[str, Any]]:
    """The events that reached ``channel``, until none comes for half a second."""
    heard = []
    while True:
        try:
            heard.append((await asyncio.wait_for(layer.receive(channel), 0.5))["event"])
        except TimeoutError:
            return heard


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (Role.VIEWER, False, 403),
        (Role.EDITOR, False, 403),
        (Role.EDITOR, True, 201),
        (Role.ADMIN, False, 201),
    ],
)
def test_who_may_upload_a_new_version(
    team: Team,
    member: Callable[[str], tuple[Membership, APIClient]],
    parsed: Document,
    v2: bytes,
    role: str,
    own: bool,
    status: int,
) -> None:
    membership, client = member(role)
    if own:
        Document.objects.filter(pk=parsed.pk).update(uploaded_by=membership.user)
    body = {"filename": "v2.pdf", "size": len(v2), "document": str(parsed.pk)}
    response = client.post(_url(team, "/uploads"), body, format="json")
    assert response.status_code == status, response.json()
    if status == 403:
        assert response.json()["code"] == "permission_denied"
    # Every member reads the versions.
    assert client.get(_url(team, f"/{parsed.pk}/versions")).status_code == 200


def test_bad_input(owner_client: APIClient, team: Team, parsed: Document, v2: bytes) -> None:
    body = {"filename": "v2.pdf", "size": len(v2), "document": "not-an-id"}
    response = owner_client.post(_url(team, "/uploads"), body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "document" in response.json()["fields"]

    other = make_team(owner=UserFactory.create(), name="Other lab")
    theirs = Document.objects.create(team=other, title="Theirs", filename="t.pdf", size=10, storage_key="k/theirs.pdf")
    for document_id in (theirs.pk, "00000000-0000-4000-8000-000000000000"):
        body["document"] = str(document_id)
        response = owner_client.post(_url(team, "/uploads"), body, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert response.json()["detail"]

    missing = owner_client.get(_url(team, f"/{parsed.pk}/versions/7/download"))
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert owner_client.get(_url(team, f"/{theirs.pk}/versions")).status_code == 404
    assert client_for(other.memberships.get().user).get(_url(other, f"/{parsed.pk}/versions")).status_code == 404


def test_a_new_version_counts_towards_storage_not_documents(
    owner_client: APIClient, team: Team, parsed: Document, v2: bytes, settings: Any
) -> None:
    settings.TEAM_MAX_DOCUMENTS = 1
    body = {"filename": "v2.pdf", "size": len(v2), "document": str(parsed.pk)}
    assert owner_client.post(_url(team, "/uploads"), {**body, "document": None}, format="json").json()["code"] == (
        "document_limit_reached"
    )
    assert _upload(owner_client, team, v2, document=parsed.pk).status_code == 201
    Document.objects.filter(pk=parsed.pk).update(state=Document.State.READY)
    # Both versions are stored: the earlier one counts towards the plan's storage as well.
    settings.TEAM_MAX_STORAGE_BYTES = parsed.size + len(v2) + len(v2) // 2
    response = owner_client.post(_url(team, "/uploads"), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "storage_limit_reached"

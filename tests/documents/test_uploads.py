"""Uploads go from the browser straight to storage (moto here); the API only signs and verifies."""

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.utils import timezone
from rest_framework.test import APIClient

from core.storage import get_storage
from documents.models import Document, Upload
from documents.services import uploads_clean_abandoned
from teams.models import AuditEvent, Team
from teams.roles import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 4000 + b"\n%%EOF\n"


def _start(client: APIClient, team: Team, size: int, **extra: Any) -> Any:
    body = {"filename": "Light & matter.pdf", "size": size, "content_type": "application/pdf", **extra}
    return client.post(f"/api/v1/teams/{team.pk}/documents/uploads", body, format="json")


def _complete(client: APIClient, team: Team, upload_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/teams/{team.pk}/documents/uploads/{upload_id}/complete", body, format="json")


def _browser_post(target: dict[str, Any], data: bytes) -> None:
    response = requests.post(target["url"], data=target["fields"], files={"file": ("a.pdf", data)}, timeout=10)
    assert response.status_code in {200, 204}, response.text


def test_small_file_goes_through_a_presigned_post(
    owner_client: APIClient, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    response = _start(owner_client, team, len(PDF))
    assert response.status_code == 201, response.json()
    upload = response.json()
    assert upload["method"] == "post"
    assert upload["parts"] == []
    policy = json.loads(base64.b64decode(upload["target"]["fields"]["policy"]))
    assert ["content-length-range", 1, len(PDF)] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]

    _browser_post(upload["target"], PDF)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _complete(owner_client, team, upload["id"])
    assert response.status_code == 201, response.json()
    document = Document.objects.get(pk=response.json()["id"])
    assert document.state == Document.State.QUEUED
    assert document.title == "Light & matter"
    assert document.size == len(PDF)
    assert len(callbacks) == 3  # the "queued" event and "changed" (a new document) to the team, the parse task
    assert AuditEvent.objects.filter(team=team, action="document.uploaded").count() == 1

    # Completing twice does not make a second document.
    assert _complete(owner_client, team, upload["id"]).json()["code"] == "upload_closed"


def test_large_file_goes_through_multipart(owner_client: APIClient, team: Team, settings: Any) -> None:
    settings.UPLOAD_MULTIPART_THRESHOLD = 1024
    settings.UPLOAD_PART_SIZE = 5 * 1024 * 1024
    data = b"%PDF-1.4\n" + b"x" * (6 * 1024 * 1024)
    upload = _start(owner_client, team, len(data)).json()
    assert upload["method"] == "multipart"
    assert [part["part_number"] for part in upload["parts"]] == [1, 2]

    etags = []
    for part in upload["parts"]:
        start = (part["part_number"] - 1) * upload["part_size"]
        reply = requests.put(part["url"], data=data[start : start + upload["part_size"]], timeout=30)
        assert reply.status_code == 200
        etags.append({"part_number": part["part_number"], "etag": reply.headers["ETag"]})

    assert _complete(owner_client, team, upload["id"]).json()["code"] == "parts_missing"
    response = _complete(owner_client, team, upload["id"], parts=etags)
    assert response.status_code == 201, response.json()
    info = get_storage().head(key=Document.objects.get().storage_key)
    assert info is not None
    assert info.size == len(data)


def test_wrong_size_is_refused_and_the_object_dropped(owner_client: APIClient, team: Team) -> None:
    upload = _start(owner_client, team, len(PDF) + 10).json()
    _browser_post(upload["target"], PDF)  # moto does not enforce the policy: the check happens at completion
    response = _complete(owner_client, team, upload["id"])
    assert response.status_code == 400
    assert response.json()["code"] == "size_mismatch"
    assert not Document.objects.exists()
    assert Upload.objects.get().state == Upload.State.ABORTED
    assert get_storage().head(key=Upload.objects.get().storage_key) is None


def test_a_file_that_is_not_a_pdf_is_refused_by_its_bytes(owner_client: APIClient, team: Team) -> None:
    junk = b"<html>surely a paper</html>" * 10
    upload = _start(owner_client, team, len(junk)).json()
    _browser_post(upload["target"], junk)
    response = _complete(owner_client, team, upload["id"])
    assert response.status_code == 415
    assert response.json()["code"] == "not_a_pdf"
    assert not Document.objects.exists()


def test_completing_before_the_file_arrived(owner_client: APIClient, team: Team) -> None:
    upload = _start(owner_client, team, len(PDF)).json()
    response = _complete(owner_client, team, upload["id"])
    assert response.status_code == 400
    assert response.json()["code"] == "upload_missing"
    assert Upload.objects.get().state == Upload.State.PENDING  # the browser may still finish it


@pytest.mark.parametrize(
    ("setting", "value", "status", "code"),
    [
        ("DOCUMENT_MAX_FILE_BYTES", 100, 413, "file_too_large"),
        ("TEAM_MAX_STORAGE_BYTES", 1000, 409, "storage_limit_reached"),
        ("TEAM_MAX_DOCUMENTS", 0, 409, "document_limit_reached"),
    ],
)
def test_plan_limits(
    owner_client: APIClient, team: Team, settings: Any, setting: str, value: int, status: int, code: str
) -> None:
    setattr(settings, setting, value)
    response = _start(owner_client, team, len(PDF))
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Upload.objects.exists()


@pytest.mark.parametrize(("content_type", "status"), [("image/png", 415), ("application/pdf", 201), ("", 201)])
def test_declared_type(owner_client: APIClient, team: Team, content_type: str, status: int) -> None:
    assert _start(owner_client, team, 10, content_type=content_type).status_code == status


def test_viewers_cannot_upload(member: Callable[[str], Any], team: Team) -> None:
    _, viewer = member(Role.VIEWER)
    response = _start(viewer, team, len(PDF))
    assert response.status_code == 403
    assert not Upload.objects.exists()


def test_only_the_uploader_completes_their_upload(
    owner_client: APIClient, member: Callable[[str], Any], team: Team
) -> None:
    upload = _start(owner_client, team, len(PDF)).json()
    _browser_post(upload["target"], PDF)
    _, editor = member(Role.EDITOR)
    assert _complete(editor, team, upload["id"]).status_code == 404


def test_abort_drops_the_upload(owner_client: APIClient, team: Team) -> None:
    upload = _start(owner_client, team, len(PDF)).json()
    _browser_post(upload["target"], PDF)
    assert owner_client.delete(f"/api/v1/teams/{team.pk}/documents/uploads/{upload['id']}").status_code == 204
    assert Upload.objects.get().state == Upload.State.ABORTED
    assert get_storage().head(key=Upload.objects.get().storage_key) is None


def test_cleanup_aborts_abandoned_uploads_and_orphans(owner_client: APIClient, team: Team, settings: Any) -> None:
    settings.UPLOAD_MULTIPART_THRESHOLD = 10
    settings.UPLOAD_ABANDONED_AFTER = -1  # everything counts as old
    multipart = _start(owner_client, team, 6 * 1024 * 1024).json()
    get_storage().upload_from(key=f"teams/{team.pk}/documents/orphan.pdf", fileobj=_bytes(PDF), content_type="x")
    Upload.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert uploads_clean_abandoned() >= 2
    assert Upload.objects.get(pk=multipart["id"]).state == Upload.State.ABORTED
    assert get_storage().multipart_list_pending(prefix="teams/") == []
    assert get_storage().list_keys(prefix="teams/") == []


def _bytes(data: bytes) -> Any:
    import io

    return io.BytesIO(data)

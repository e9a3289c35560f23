"""Documents' objects and request bodies for the tenant-isolation test (tests/teams/isolation.py)."""

import io
from typing import Any
from uuid import UUID

from core.storage import get_storage
from documents import services
from documents.models import Collection, Document, DocumentVersion
from tests.teams.isolation import BodySample, KwargSample, World

MINIMAL_PDF = b"%PDF-1.7\n" + b"0" * 512 + b"\n%%EOF\n"
TEAM = "/api/v1/teams/<uuid:team_id>"


def _failed_document(world: World) -> UUID:
    """The owner's document whose parse failed: every method on it, retry included, can succeed."""
    team = world.victim.team
    document = Document.objects.create(
        team=team,
        uploaded_by=world.victim.owner.user,
        title="Victim's unpublished draft",
        filename="draft.pdf",
        size=len(MINIMAL_PDF),
        storage_key=f"teams/{team.pk}/documents/isolation-draft.pdf",
        state=Document.State.FAILED,
        error_code="storage_unavailable",
        error_message="The file could not be fetched from storage. Try again in a moment.",
    )
    get_storage().upload_from(key=document.storage_key, fileobj=io.BytesIO(MINIMAL_PDF), content_type="application/pdf")
    return document.pk


def _pending_upload(world: World) -> UUID:
    """An upload in flight of the owner's whose bytes have arrived, so completing it succeeds."""
    start = services.document_upload_start(
        actor=world.victim.owner, filename="draft.pdf", size=len(MINIMAL_PDF), content_type="application/pdf"
    )
    get_storage().upload_from(
        key=start.upload.storage_key, fileobj=io.BytesIO(MINIMAL_PDF), content_type="application/pdf"
    )
    return start.upload.pk


def _version_number(world: World) -> int:
    """Version 1 of the document sample (made as the upload service makes it), so its download succeeds."""
    document = Document.objects.get(pk=world.sample("document_id", f"{TEAM}/documents/<uuid:document_id>/versions"))
    DocumentVersion.objects.get_or_create(
        document=document,
        number=1,
        defaults={"storage_key": document.storage_key, "filename": document.filename, "size": document.size},
    )
    return 1


def _collection(world: World) -> UUID:
    return Collection.objects.create(team=world.victim.team, name="Victim's reading list").pk


KWARG_SAMPLES: dict[str, KwargSample] = {
    "document_id": _failed_document,
    "upload_id": _pending_upload,
    "collection_id": _collection,
    "version_number": _version_number,
}


def _no_body(world: World) -> dict[str, Any] | None:
    return None


BODY_SAMPLES: dict[tuple[str, str], BodySample] = {
    (f"{TEAM}/documents/uploads", "POST"): lambda world: {
        "filename": "paper.pdf",
        "size": 2048,
        "content_type": "application/pdf",
    },
    (f"{TEAM}/documents/uploads/<uuid:upload_id>/complete", "POST"): lambda world: {},
    (f"{TEAM}/documents/<uuid:document_id>", "PATCH"): lambda world: {"title": "Renamed", "tags": ["optics"]},
    (f"{TEAM}/documents/<uuid:document_id>/retry", "POST"): _no_body,
    (f"{TEAM}/collections", "POST"): lambda world: {"name": "Reading group"},
}

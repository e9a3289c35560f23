"""Everything that changes documents: uploads, parsing results, edits, deletion."""

import logging
import math
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, NotFoundError
from core.sizes import readable_size
from core.storage import get_storage
from core.storage.base import PartTarget, UploadTarget
from teams.models import Membership, Team
from teams.selectors import scoped_get, team_scoped
from teams.services import audit_record

from .events import (
    CollectionsChanged,
    DocumentChanged,
    DocumentProgress,
    ParseErrorPayload,
    parse_error,
    team_group,
)
from .models import Collection, Document, DocumentVersion, Page, Tag, Upload
from .realtime import send_on_commit
from .signals import document_parsed

if TYPE_CHECKING:
    from .parsing import Limits, OutlineItem, ParsedDocument, ParsedPage
    from .realtime import EventSender

logger = logging.getLogger(__name__)

PDF_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream", ""}
# The PDF header may follow some bytes of junk; readers look within the first kilobyte.
SNIFF_BYTES = 1024
# S3 allows at most 10,000 parts per multipart upload.
MAX_PARTS = 10_000


# --- events --------------------------------------------------------------------------------------


def progress_event(document: Document) -> DocumentProgress:
    error: ParseErrorPayload | None = None
    if document.state == Document.State.FAILED:
        error = parse_error(document.error_code, document.error_message)
    return {
        "type": "document.progress",
        "team_id": str(document.team_id),
        "document_id": str(document.pk),
        "state": document.state,
        "pages_done": document.pages_done,
        "pages_total": document.pages_total,
        "error": error,
    }


def _changed_on_commit(document: Document, *, deleted: bool = False) -> None:
    event: DocumentChanged = {
        "type": "document.changed",
        "team_id": str(document.team_id),
        "document_id": str(document.pk),
        "deleted": deleted,
    }
    send_on_commit(team_group(document.team_id), event)


# --- uploads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadStart:
    upload: Upload
    target: UploadTarget | None
    parts: list[PartTarget]


def _check_limits(team: Team, *, size: int, new_document: bool = True) -> None:
    """The plan's limits (settings until billing sets them per plan), counting uploads in flight. Earlier
    versions of documents count towards storage; a new version does not count as a new document."""
    if size > settings.DOCUMENT_MAX_FILE_BYTES:
        raise ApplicationError(
            f"This file is {readable_size(size)}; the largest file your plan accepts is "
            f"{readable_size(settings.DOCUMENT_MAX_FILE_BYTES)}.",
            code="file_too_large",
            status_code=413,
            fields={"size": ["The file is larger than your plan allows."]},
        )
    documents = team_scoped(Document.objects.all(), team=team)
    pending = team_scoped(Upload.objects.filter(state=Upload.State.PENDING), team=team)
    if (
        new_document
        and documents.count() + pending.filter(document__isnull=True).count() >= settings.TEAM_MAX_DOCUMENTS
    ):
        raise ConflictError(
            f"Your team has reached its plan's limit of {settings.TEAM_MAX_DOCUMENTS} documents.",
            code="document_limit_reached",
        )
    used = (documents.aggregate(total=Sum("size"))["total"] or 0) + (pending.aggregate(total=Sum("size"))["total"] or 0)
    earlier_versions = team_scoped(DocumentVersion.objects.exclude(number=F("document__version")), team=team)
    used += earlier_versions.aggregate(total=Sum("size"))["total"] or 0
    if used + size > settings.TEAM_MAX_STORAGE_BYTES:
        raise ConflictError(
            f"This upload would take your team over its {readable_size(settings.TEAM_MAX_STORAGE_BYTES)} of storage "
            f"({readable_size(used)} used).",
            code="storage_limit_reached",
        )


def _clean_filename(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()
    return "".join(char for char in name if char.isprintable())[:255] or "document.pdf"


@transaction.atomic
def document_upload_start(
    *, actor: Membership, filename: str, size: int, content_type: str, document_id: UUID | str | None = None
) -> UploadStart:
    """Check the plan and return where the browser sends the bytes (never through this process).

    With ``document_id`` the file is to become a new version of that document (the actor needs the
    rights to edit it, as for renaming it); completing the upload then adds the version."""
    team = actor.team
    document = None
    if document_id is not None:
        document = scoped_get(Document.objects.all(), team=team, pk=document_id)
        _require_edit_rights(actor, document)
        _require_idle(document)
    if content_type.split(";")[0].strip().lower() not in PDF_TYPES:
        raise ApplicationError(
            f"Only PDF files can be uploaded; this file is {content_type}.",
            code="not_a_pdf",
            status_code=415,
            fields={"content_type": ["Not a PDF."]},
        )
    if size < 1:
        raise ApplicationError("The file is empty.", code="empty_file", fields={"size": ["The file is empty."]})
    _check_limits(team, size=size, new_document=document is None)

    upload = Upload(
        team=team,
        document=document,
        uploaded_by=actor.user,
        filename=_clean_filename(filename),
        size=size,
        expires_at=timezone.now() + timedelta(seconds=settings.UPLOAD_ABANDONED_AFTER),
    )
    upload.storage_key = f"teams/{team.pk}/documents/{upload.pk}.pdf"
    storage = get_storage()
    if size <= settings.UPLOAD_MULTIPART_THRESHOLD:
        upload.method = Upload.Method.POST
        upload.save()
        target = storage.presigned_post(
            key=upload.storage_key,
            content_type="application/pdf",
            max_bytes=size,
            expires_in=settings.UPLOAD_URL_EXPIRES,
        )
        return UploadStart(upload=upload, target=target, parts=[])

    upload.method = Upload.Method.MULTIPART
    upload.part_size = max(settings.UPLOAD_PART_SIZE, math.ceil(size / MAX_PARTS))
    upload.multipart_upload_id = storage.multipart_create(key=upload.storage_key, content_type="application/pdf")
    upload.save()
    parts = storage.multipart_part_targets(
        key=upload.storage_key,
        upload_id=upload.multipart_upload_id,
        part_numbers=list(range(1, math.ceil(size / upload.part_size) + 1)),
        expires_in=settings.UPLOAD_URL_EXPIRES,
    )
    return UploadStart(upload=upload, target=None, parts=parts)


def _pending_upload(actor: Membership, upload_id: UUID | str) -> Upload:
    upload = scoped_get(Upload.objects.select_for_update(), team=actor.team, pk=upload_id)
    if upload.uploaded_by_id != actor.user_id:
        raise NotFoundError("Not found.")
    if upload.state != Upload.State.PENDING:
        raise ConflictError(f"This upload is already {upload.state}.", code="upload_closed")
    return upload


def _verify_stored(upload: Upload, parts: list[tuple[int, str]] | None) -> ApplicationError | None:
    """Raise for what the browser can still fix; return the error that ends this upload, if any."""
    storage = get_storage()
    if upload.method == Upload.Method.MULTIPART:
        if not parts:
            raise ApplicationError("List the uploaded parts with their ETags.", code="parts_missing")
        try:
            storage.multipart_complete(
                key=upload.storage_key, upload_id=upload.multipart_upload_id, parts=sorted(parts)
            )
        except Exception as exc:
            logger.info("multipart completion of %s refused: %s", upload.pk, exc)
            raise ApplicationError(
                "Some parts of the file did not arrive. Upload the missing parts and try again.",
                code="upload_incomplete",
            ) from exc

    info = storage.head(key=upload.storage_key)
    if info is None:
        raise ApplicationError("The file has not arrived in storage yet.", code="upload_missing")
    if info.size != upload.size:
        return ApplicationError(
            f"The stored file has {info.size:,} bytes, not the {upload.size:,} announced. Upload it again.",
            code="size_mismatch",
        )
    if b"%PDF-" not in storage.read_head_bytes(key=upload.storage_key, length=SNIFF_BYTES):
        return ApplicationError(f"{upload.filename} is not a PDF file.", code="not_a_pdf", status_code=415)
    return None


def document_upload_complete(
    *, actor: Membership, upload_id: UUID | str, parts: list[tuple[int, str]] | None = None
) -> Document:
    """Verify what the browser stored (size, PDF header) and queue the parse once this commits.

    A file that fails the checks is dropped from storage and its upload closed, so nothing
    unverified is ever kept; the error is raised after that is committed.
    """
    with transaction.atomic():
        upload = _pending_upload(actor, upload_id)
        rejection = _verify_stored(upload, parts)
        if rejection is None:
            if upload.document_id is not None:
                return _version_create(actor, upload, upload.document_id)
            return _document_create(actor, upload)
        upload.state = Upload.State.ABORTED
        upload.save(update_fields=["state", "updated_at"])
    get_storage().delete(key=upload.storage_key)
    raise rejection


def _document_create(actor: Membership, upload: Upload) -> Document:
    document = Document.objects.create(
        team=upload.team,
        uploaded_by=actor.user,
        title=_default_title(upload.filename),
        filename=upload.filename,
        size=upload.size,
        storage_key=upload.storage_key,
    )
    DocumentVersion.objects.create(
        document=document,
        number=1,
        storage_key=upload.storage_key,
        filename=upload.filename,
        size=upload.size,
        uploaded_by=actor.user,
    )
    _upload_stored(actor, upload, document, "document.uploaded", {"title": document.title, "size": document.size})
    return document


def _require_idle(document: Document) -> None:
    if document.state in {Document.State.QUEUED, Document.State.PARSING}:
        raise ConflictError(
            "This document is still being processed; upload a new version once it is ready.", code="document_busy"
        )


def _version_create(actor: Membership, upload: Upload, document_id: UUID) -> Document:
    """The upload's file becomes the document's current version, to be parsed once this commits.

    Its pages stay those of the previous version until the parse replaces them; annotations stay as
    they are, and are placed on the new text when the parse is done (``document_parsed``)."""
    document = scoped_get(Document.objects.select_for_update(), team=actor.team, pk=document_id)
    _require_edit_rights(actor, document)
    _require_idle(document)
    # After the last version made, which may be one that could not be read (the document is not on it).
    document.version = (document.versions.aggregate(last=Max("number"))["last"] or document.version) + 1
    DocumentVersion.objects.create(
        document=document,
        number=document.version,
        storage_key=upload.storage_key,
        filename=upload.filename,
        size=upload.size,
        uploaded_by=actor.user,
    )
    document.filename = upload.filename
    document.size = upload.size
    document.storage_key = upload.storage_key
    document.state = Document.State.QUEUED
    document.error_code = document.error_message = ""
    document.attempts = 0
    document.pages_done = 0
    document.save(
        update_fields=[
            "version", "filename", "size", "storage_key", "state", "error_code", "error_message", "attempts",
            "pages_done", "updated_at",
        ]
    )  # fmt: skip
    data = {"title": document.title, "version": document.version, "size": document.size}
    _upload_stored(actor, upload, document, "document.version_uploaded", data)
    return document


def _upload_stored(actor: Membership, upload: Upload, document: Document, action: str, data: dict[str, Any]) -> None:
    """The upload became ``document``'s file: it is done, audited, and the parse is queued on commit."""
    upload.state = Upload.State.COMPLETED
    upload.save(update_fields=["state", "updated_at"])
    audit_record(team=upload.team, actor=actor.user, action=action, data={"document_id": str(document.pk), **data})
    _enqueue_parse(document)
    _changed_on_commit(document)


@transaction.atomic
def document_upload_abort(*, actor: Membership, upload_id: UUID | str) -> None:
    upload = _pending_upload(actor, upload_id)
    _abort(upload)


def _abort(upload: Upload) -> None:
    storage = get_storage()
    if upload.method == Upload.Method.MULTIPART:
        storage.multipart_abort(key=upload.storage_key, upload_id=upload.multipart_upload_id)
    storage.delete(key=upload.storage_key)
    upload.state = Upload.State.ABORTED
    upload.save(update_fields=["state", "updated_at"])


def uploads_clean_abandoned() -> int:
    """Abort uploads never completed and remove stored objects no document owns. Runs periodically."""
    storage = get_storage()
    now = timezone.now()
    cleaned = 0
    for upload in Upload.objects.filter(state=Upload.State.PENDING, expires_at__lt=now):
        with transaction.atomic():
            _abort(upload)
        cleaned += 1
    # Multipart uploads and objects the database does not know (a crash between the store and the commit).
    cutoff = now - timedelta(seconds=settings.UPLOAD_ABANDONED_AFTER)
    known_uploads = set(Upload.objects.filter(state=Upload.State.PENDING).values_list("multipart_upload_id", flat=True))
    for pending in storage.multipart_list_pending(prefix="teams/"):
        if pending.started_at < cutoff and pending.upload_id not in known_uploads:
            storage.multipart_abort(key=pending.key, upload_id=pending.upload_id)
            cleaned += 1
    stored = storage.list_keys(prefix="teams/")
    owned = set(
        Document.objects.filter(storage_key__in=[key for key, _ in stored]).values_list("storage_key", flat=True)
    )
    owned |= set(
        DocumentVersion.objects.filter(storage_key__in=[key for key, _ in stored]).values_list("storage_key", flat=True)
    )
    owned |= set(Upload.objects.filter(state=Upload.State.PENDING).values_list("storage_key", flat=True))
    for key, modified in stored:
        if modified < cutoff and key not in owned:
            storage.delete(key=key)
            cleaned += 1
    return cleaned


# --- parsing -------------------------------------------------------------------------------------


BACKLOG_PRIORITY = 6
"""The broker priority of a team's documents beyond its share (0, the default, is served first)."""


def parse_priority(document: Document) -> int:
    """0 for a team's first ``PARSE_TEAM_SHARE`` queued documents, ``BACKLOG_PRIORITY`` for the rest: a
    team that drops a hundred files makes another team's one paper wait for a few of them, not for all.

    The Redis broker serves a queue's higher priorities first: kombu keeps a list per priority step and
    takes from the first that is not empty."""
    queued = Document.objects.filter(team_id=document.team_id, state=Document.State.QUEUED).count()
    return 0 if queued <= settings.PARSE_TEAM_SHARE else BACKLOG_PRIORITY


def _enqueue_parse(document: Document) -> None:
    from .tasks import parse_document

    event = progress_event(document)
    document_id = str(document.pk)
    priority = parse_priority(document)
    send_on_commit(team_group(document.team_id), event)
    transaction.on_commit(lambda: parse_document.apply_async((document_id,), priority=priority))


@transaction.atomic
def document_retry(*, actor: Membership, document_id: UUID | str) -> Document:
    document = scoped_get(Document.objects.select_for_update(), team=actor.team, pk=document_id)
    if document.state != Document.State.FAILED:
        raise ConflictError("Only a document whose parse failed can be retried.", code="not_failed")
    if not parse_error(document.error_code, document.error_message)["retryable"]:
        raise ConflictError(
            f"Reading this file again would fail the same way ({document.error_message.rstrip('.')}). "
            "Upload a corrected file instead.",
            code="not_retryable",
        )
    document.state = Document.State.QUEUED
    document.error_code = document.error_message = ""
    document.attempts = 0
    document.pages_done = 0
    document.save(update_fields=["state", "error_code", "error_message", "attempts", "pages_done", "updated_at"])
    _enqueue_parse(document)
    return document


# --- edits ---------------------------------------------------------------------------------------


def _names(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        name = value.strip()
        if name:
            seen.setdefault(name.lower(), name)
    return list(seen.values())


@transaction.atomic
def document_update(
    *,
    actor: Membership,
    document_id: UUID | str,
    title: str | None = None,
    tags: list[str] | None = None,
    collection_ids: list[UUID] | None = None,
) -> Document:
    """Rename, re-tag or re-file. Editors may change their own documents; admins and owners any."""
    document = scoped_get(Document.objects.select_for_update(), team=actor.team, pk=document_id)
    _require_edit_rights(actor, document)
    if title is not None and (title.strip()[:500] or document.filename) != document.title:
        renamed = {"from": document.title, "to": title.strip()[:500] or document.filename}
        document.title = renamed["to"]
        document.save(update_fields=["title", "updated_at"])
        audit_record(
            team=actor.team,
            actor=actor.user,
            action="document.renamed",
            data={"document_id": str(document.pk), **renamed},
        )
    if tags is not None:
        tag_objects = [_tag_get_or_create(actor.team, name) for name in _names(tags)]
        document.tags.set(tag_objects)
    if collection_ids is not None:
        collections = list(team_scoped(Collection.objects.filter(pk__in=collection_ids), team=actor.team))
        if len(collections) != len(set(collection_ids)):
            raise NotFoundError("One of the collections does not exist.", fields={"collection_ids": ["Not found."]})
        document.collections.set(collections)
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
    _changed_on_commit(document)
    return document


def _require_edit_rights(actor: Membership, document: Document) -> None:
    from teams.roles import has_permission

    if has_permission(actor.role, "documents.delete_any"):
        return
    if document.uploaded_by_id == actor.user_id and has_permission(actor.role, "documents.edit_own"):
        return
    from core.exceptions import PermissionDeniedError

    raise PermissionDeniedError("You can change only the documents you uploaded.")


def _tag_get_or_create(team: Team, name: str) -> Tag:
    existing = team_scoped(Tag.objects.filter(name__iexact=name), team=team).first()
    return existing or Tag.objects.create(team=team, name=name[:64])


@transaction.atomic
def document_delete(*, actor: Membership, document_id: UUID | str) -> None:
    """Delete the document, its pages and the stored file of every version (once the deletion commits)."""
    document = scoped_get(Document.objects.select_for_update(), team=actor.team, pk=document_id)
    _require_edit_rights(actor, document)
    keys = {document.storage_key, *document.versions.values_list("storage_key", flat=True)}
    audit_record(
        team=actor.team,
        actor=actor.user,
        action="document.deleted",
        data={"document_id": str(document.pk), "title": document.title},
    )
    transaction.on_commit(lambda: _delete_objects(sorted(keys)))
    _changed_on_commit(document, deleted=True)
    document.delete()


def _delete_objects(keys: list[str]) -> None:
    storage = get_storage()
    for key in keys:
        storage.delete(key=key)


@transaction.atomic
def collection_create(*, actor: Membership, name: str, description: str = "") -> Collection:
    existing = team_scoped(Collection.objects.filter(name__iexact=name.strip()), team=actor.team).first()
    if existing is not None:
        taken = f"The team already has a collection named “{existing.name}”."
        raise ConflictError(taken, code="name_taken", fields={"name": [f"{taken} Choose another name."]})
    collection = Collection.objects.create(team=actor.team, name=name.strip(), description=description)
    _collections_changed_on_commit(actor.team_id)
    return collection


@transaction.atomic
def collection_delete(*, actor: Membership, collection_id: UUID | str) -> None:
    scoped_get(Collection.objects.all(), team=actor.team, pk=collection_id).delete()
    _collections_changed_on_commit(actor.team_id)


def _collections_changed_on_commit(team_id: UUID) -> None:
    event: CollectionsChanged = {"type": "collections.changed", "team_id": str(team_id)}
    send_on_commit(team_group(team_id), event)


class TransientError(Exception):
    """Storage or the database could not be reached: the task retries with backoff."""


def _fail(document: Document, *, code: str, message: str, file_fault: bool = True) -> DocumentProgress:
    """The parse failed: the document ends ``failed`` -- or, when the file cannot be read (``file_fault``,
    not storage trouble, which a retry may fix) and it is a new version of a document, goes back to its
    last readable version, and the new one is kept in its list with why. What to tell the browsers: the
    parse failed (so the uploader sees why), whatever the document's state now."""
    failure: DocumentProgress = {**progress_event(document), "state": Document.State.FAILED}
    failure["error"] = parse_error(code, message[:500])
    if file_fault and _reject_version(document, code=code, message=message):
        return failure  # the caller sends it, then document.changed: browsers refetch the document as it is
    document.state = Document.State.FAILED
    document.error_code = code
    document.error_message = message[:500]
    # attempts too: the claim that gives up on a file counts the delivery it refuses.
    document.save(update_fields=["state", "error_code", "error_message", "attempts", "updated_at"])
    return progress_event(document)


def _tell_refused(document: Document, failure: DocumentProgress, sender: "EventSender") -> None:
    """The parse failed; if the document went back to an earlier version, it changed too (in that order:
    the last word browsers hear about the document is to fetch it again)."""
    sender.progress(failure)
    if document.state == Document.State.READY:
        _changed_on_commit(document)


def _reject_version(document: Document, *, code: str, message: str) -> bool:
    """A new version that cannot be read is not kept as the document's file: the document goes back to
    the last version that could be read, whose pages and annotations never left it, and stays readable
    and annotatable. The rejected version stays in the list, with why (``error_code``). False for a
    first version, or when no earlier version could be read either."""
    rejected = DocumentVersion.objects.filter(document=document, number=document.version).first()
    previous = (
        DocumentVersion.objects.filter(document=document, number__lt=document.version, error_code="")
        .order_by("-number")
        .first()
    )
    if rejected is None or previous is None:
        return False
    rejected.error_code, rejected.error_message = code, message[:500]
    rejected.save(update_fields=["error_code", "error_message", "updated_at"])
    document.version, document.storage_key = previous.number, previous.storage_key
    document.filename, document.size, document.sha256 = previous.filename, previous.size, previous.sha256
    document.pages_total = document.pages_done = previous.pages_total or 0
    document.state = Document.State.READY
    document.error_code = document.error_message = ""
    document.attempts = 0
    document.save(
        update_fields=[
            "version", "storage_key", "filename", "size", "sha256", "pages_total", "pages_done", "state",
            "error_code", "error_message", "attempts", "updated_at",
        ]
    )  # fmt: skip
    return True


def _claim_for_parse(document_id: str) -> tuple[Document, DocumentProgress | None] | None:
    """Mark the document parsing and count the attempt; None when there is nothing to do. With the
    document comes the event saying its file was refused, when it was (too many attempts).

    The attempt is counted before the parse starts, so a file that kills the worker process (and
    comes back through ``reject_on_worker_lost``) is failed after PARSE_MAX_ATTEMPTS, not looped on.
    """
    with transaction.atomic():
        claimed = Document.objects.select_for_update(of=("self",)).select_related("team")
        document = claimed.filter(pk=document_id).first()
        if document is None or document.state in {Document.State.READY, Document.State.FAILED}:
            return None  # deleted meanwhile, or a duplicate delivery of a finished task
        document.attempts += 1
        if document.attempts > settings.PARSE_MAX_ATTEMPTS:
            refused = _fail(
                document,
                code="corrupt",
                message=f"Parsing this file stopped the worker {settings.PARSE_MAX_ATTEMPTS} times; "
                "it is probably damaged.",
            )
            return document, refused
        document.state = Document.State.PARSING
        document.pages_done = 0
        document.save(update_fields=["state", "attempts", "pages_done", "updated_at"])
        return document, None


def _requeue(document: Document, sender: "EventSender") -> None:
    """A transient failure does not count as an attempt: the task retries later. Browsers see it queued."""
    Document.objects.filter(pk=document.pk).update(state=Document.State.QUEUED, attempts=F("attempts") - 1)
    document.state = Document.State.QUEUED
    sender.progress(progress_event(document))


@contextmanager
def document_file_copy(document: Document) -> Iterator[str]:
    """The path of a local copy of the document's current file, streamed from storage (never whole in
    memory) for a sandboxed read, and removed afterwards. Storage errors (boto's, ``OSError``) pass through
    for the caller's task to retry."""
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=settings.PARSE_TMP_DIR) as local:
        get_storage().download_to(key=document.storage_key, fileobj=local)
        local.flush()
        yield local.name


def _team_parse_folder(team_id: UUID) -> str:
    """Where a team's files wait for their parse. A parse job may go on to the next document of the same
    team (``reuse_key``), so it may read this whole folder -- and nothing of another team's."""
    folder = os.path.join(settings.PARSE_TMP_DIR or tempfile.gettempdir(), "scrollkeeper-parse", f"team-{team_id}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def parse_limits(*, max_pages: int | None = None) -> "Limits":
    """What one read of an uploaded file may cost, from the settings (``PARSE_*``): for its parse, and for
    every other task that opens it in the sandbox (``max_pages`` lower for some of those)."""
    from .parsing import Limits

    return Limits(
        max_pages=settings.PARSE_MAX_PAGES if max_pages is None else max_pages,
        max_text_chars=settings.PARSE_MAX_TEXT_CHARS,
        max_seconds=settings.PARSE_MAX_SECONDS,
        max_memory_bytes=settings.PARSE_MAX_MEMORY_BYTES,
        max_file_bytes=settings.DOCUMENT_MAX_FILE_BYTES,
    )


def document_parse(*, document_id: str) -> None:
    """Fetch the stored file, parse it in a sandboxed child process, store its pages.

    Idempotent: a rerun replaces the page rows in one transaction. Bad files end ``failed`` with the
    parser's code; storage trouble raises :class:`TransientError` for the task to retry.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from .parsing import ParseError, ParserUnavailable, parse_in_subprocess
    from .realtime import EventSender

    claimed = _claim_for_parse(document_id)
    if claimed is None:
        return
    document, refused = claimed
    with EventSender() as sender:
        if refused is not None:
            _tell_refused(document, refused, sender)
            return
        sender.progress(progress_event(document))
        limits = parse_limits()
        last_saved = [time.monotonic()]  # the claim has just saved the state

        def on_page(done: int, total: int) -> None:
            document.pages_done, document.pages_total = done, total
            sender.progress(progress_event(document))
            now = time.monotonic()
            if now - last_saved[0] > 1.0:  # REST readers (reconnecting browsers) see progress too
                last_saved[0] = now
                # updated_at too: it is part of the detail's ETag, so a refetch sees the progress.
                Document.objects.filter(pk=document.pk).update(
                    pages_done=done, pages_total=total, updated_at=timezone.now()
                )

        with tempfile.NamedTemporaryFile(suffix=".pdf", dir=_team_parse_folder(document.team_id)) as local:
            try:
                get_storage().download_to(key=document.storage_key, fileobj=local)
                local.flush()
            except (BotoCoreError, ClientError, OSError) as exc:
                _requeue(document, sender)
                raise TransientError(f"fetching {document.storage_key}: {exc}") from exc
            try:
                # The team's documents may follow one another in one parsing process (see child._Job).
                parsed = parse_in_subprocess(
                    local.name, limits=limits, on_page=on_page, reuse_key=str(document.team_id)
                )
            except ParseError as exc:
                _tell_refused(document, _fail(document, code=str(exc.code), message=exc.message), sender)
                return
            except ParserUnavailable as exc:  # the machine's fault, not the file's
                _requeue(document, sender)
                raise TransientError(str(exc)) from exc

        if not _store_parsed(document, parsed):
            return  # deleted while it was being parsed
        sender.progress(progress_event(document))
    _changed_on_commit(document)
    transaction.on_commit(
        lambda: _send_parsed(document.pk, version=document.version, markup_annotations=parsed.markup_annotations)
    )


def _send_parsed(document_id: UUID, *, version: int, markup_annotations: int | None) -> None:
    """A receiver's failure (say, the broker is down) must not fail a parse that is already stored."""
    responses = document_parsed.send_robust(
        sender=Document, document_id=document_id, version=version, markup_annotations=markup_annotations
    )
    for receiver, result in responses:
        if isinstance(result, Exception):
            logger.error("document_parsed receiver %r failed for %s: %r", receiver, document_id, result)


def documents_requeue_stalled() -> int:
    """Queue again the documents left ``parsing`` by a task that can no longer finish. Runs periodically.

    A worker killed mid-parse has its task redelivered by the broker after the visibility timeout; a
    task stopped by Celery's hard time limit is acknowledged and never comes back. Anything still
    ``parsing`` after both would have happened is orphaned. Its attempt was counted, so a file that
    keeps stopping the worker still ends ``failed``.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.BROKER_VISIBILITY_TIMEOUT + 60)
    stalled = list(Document.objects.filter(state=Document.State.PARSING, updated_at__lt=cutoff))
    for document in stalled:
        with transaction.atomic():
            claimed = Document.objects.filter(pk=document.pk, state=Document.State.PARSING).update(
                state=Document.State.QUEUED, updated_at=timezone.now()
            )
            if claimed:
                document.state = Document.State.QUEUED
                _enqueue_parse(document)
    return len(stalled)


def _default_title(filename: str) -> str:
    return os.path.splitext(filename)[0][:500] or filename


def _store_parsed(document: Document, parsed: "ParsedDocument") -> bool:
    """Replace the pages and store what the parse found, in one transaction; False if the document was
    deleted meanwhile. A title a member set while it was parsing is kept."""
    with transaction.atomic():
        current = Document.objects.select_for_update().filter(pk=document.pk).first()
        if current is None:
            return False
        Page.objects.filter(document=document).delete()
        _insert_pages(document, parsed.pages)
        metadata = parsed.metadata
        renamed = current.title != _default_title(current.filename)
        document.title = current.title if renamed else (metadata.title or current.title)[:500]
        document.authors = metadata.authors
        document.metadata = {
            "subject": metadata.subject,
            "keywords": metadata.keywords,
            "created_at": metadata.created_at.isoformat() if metadata.created_at else None,
            "creator": metadata.creator,
            "producer": metadata.producer,
            "pages_by_extractor": parsed.quality.pages_by_extractor,
            "warnings": parsed.quality.warnings,
        }
        document.outline = [_outline_json(item) for item in parsed.outline]
        document.doi = parsed.doi or ""
        document.arxiv_id = parsed.arxiv_id or ""
        document.sha256 = parsed.sha256
        document.pages_without_text = parsed.quality.pages_without_text
        document.pages_total = document.pages_done = parsed.page_count
        # The copy uploaded first is the original, whichever finished parsing first.
        document.duplicate_of = (
            team_scoped(Document.objects.filter(sha256=parsed.sha256), team=document.team)
            .filter(created_at__lt=document.created_at)
            .order_by("created_at")
            .first()
        )
        document.state = Document.State.READY
        document.error_code = document.error_message = ""
        document.parsed_at = timezone.now()
        document.save(update_fields=[*PARSED_FIELDS, "updated_at"])
        DocumentVersion.objects.filter(document=document, storage_key=current.storage_key).update(
            sha256=parsed.sha256, pages_total=parsed.page_count, updated_at=timezone.now()
        )
    return True


_PAGE_COLUMNS = ("document_id", "index", "text", "width", "height", "rotation", "has_text_layer")
"""Page's attribute names, which are also its column names."""


def _insert_pages(document: Document, pages: "list[ParsedPage]") -> None:
    """The page rows, with ``COPY`` on PostgreSQL: half the time of a multi-row INSERT for a paper's
    pages, measured on the corpus's papers (3 against 6 ms each)."""
    rows = [
        (document.pk, page.index, page.text, page.width, page.height, page.rotation, page.has_text_layer)
        for page in pages
    ]
    if connection.vendor != "postgresql":  # the embedded SQLite of `make run`
        Page.objects.bulk_create([Page(**dict(zip(_PAGE_COLUMNS, row, strict=True))) for row in rows], batch_size=500)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _PAGE_COLUMNS)  # attnames: Page sets no db_column
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(Page._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


PARSED_FIELDS = (
    "title", "authors", "metadata", "outline", "doi", "arxiv_id", "sha256", "pages_without_text", "pages_total",
    "pages_done", "duplicate_of", "state", "error_code", "error_message", "parsed_at",
)  # fmt: skip


def _outline_json(item: "OutlineItem") -> dict[str, Any]:
    return {
        "title": item.title,
        "page_index": item.page_index,
        "children": [_outline_json(child) for child in item.children],
    }


def document_fail_unavailable(*, document_id: str) -> None:
    """The parse could not run (storage unreachable through every retry): fail it, retryable by users."""
    from .realtime import send_to_group

    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.state not in {Document.State.QUEUED, Document.State.PARSING}:
            return
        _fail(
            document,
            code="storage_unavailable",
            message="The file could not be fetched from storage. Try again in a moment.",
            file_fault=False,  # the file may be fine: the document stays failed, and Retry tries it again
        )
    send_to_group(team_group(document.team_id), progress_event(document))

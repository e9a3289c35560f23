"""Celery tasks of the annotations app: they take ids, call a service and own the retry policy."""

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task

from documents.parsing import ParseError, ParserUnavailable

if TYPE_CHECKING:
    from documents.models import Document
    from documents.parsing import QuoteQuery, Rects

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(BotoCoreError, ClientError, OSError, ParserUnavailable),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def import_pdf_annotations(document_id: str) -> int:
    """The annotations inside a freshly parsed PDF become the uploader's, visible to the team.
    Idempotent; storage trouble retries with backoff. Nothing to do for a deleted document, one not
    ready, or one whose uploader is gone or no longer in the team."""
    from documents.models import Document
    from documents.services import document_file_copy
    from teams.models import Membership
    from teams.selectors import team_scoped

    from .imports import annotations_import_from_pdf

    document: Any = Document.objects.select_related("uploaded_by", "team").filter(pk=document_id).first()
    if document is None or document.state != Document.State.READY or document.uploaded_by is None:
        return 0
    if not team_scoped(Membership.objects.filter(user_id=document.uploaded_by_id), team=document.team).exists():
        return 0  # the uploader left the team meanwhile: nobody to attribute the annotations to
    with document_file_copy(document) as path:
        try:
            return annotations_import_from_pdf(document=document, path=path, uploader=document.uploaded_by)
        except ParseError as exc:  # the parse read the file, its annotation dictionaries are broken: none then
            logger.info("document %s: its annotations could not be read: %s", document_id, exc.message)
            return 0


@shared_task(acks_late=True)
def send_mention_digests() -> int:
    """Every five minutes (beat): one e-mail per member with their unread mentions. A failure leaves
    the rest un-e-mailed, and the next run sends them; no retry of its own."""
    from .services import notification_send_digests

    return notification_send_digests()


@shared_task(acks_late=True)
def prune_tombstones() -> int:
    """Daily (beat): forget removals older than ``ANNOTATIONS_TOMBSTONE_DAYS``. Idempotent."""
    from .services import tombstone_prune

    return tombstone_prune()


@shared_task(
    acks_late=True,
    autoretry_for=(BotoCoreError, ClientError, OSError, ParserUnavailable),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=5,
)
def reanchor_annotations(document_id: str) -> dict[str, int]:
    """After a new version's parse: place the annotations of earlier versions on it (``reanchoring``).
    Idempotent; storage trouble retries with backoff."""
    from .reanchoring import annotations_reanchor

    result = annotations_reanchor(document_id=document_id, locate_rects=_rects_in_stored_file)
    return {"moved": len(result.moved), "fuzzy": len(result.fuzzy), "orphaned": len(result.orphaned)}


@shared_task(acks_late=True)
def reanchor_stale_documents() -> int:
    """Every few minutes: re-anchoring that did not happen after a new version (see the selector)."""
    from .reanchoring import documents_with_stale_anchors

    stale = documents_with_stale_anchors(older_than=timedelta(minutes=5))
    for document_id in stale:
        reanchor_annotations.delay(str(document_id))
    return len(stale)


def _rects_in_stored_file(document: "Document", queries: "list[QuoteQuery]") -> "list[Rects | None]":
    """The rectangles of the quotes in the document's current file, found by pdfium in the sandbox. A file
    pdfium cannot read gives none (the highlights are placed, listed, and not drawn)."""
    from documents.parsing import quote_rects_in_subprocess
    from documents.services import document_file_copy, parse_limits

    with document_file_copy(document) as path:
        try:
            return quote_rects_in_subprocess(path, queries, parse_limits())
        except ParseError as exc:
            logger.info("document %s: rectangles of re-anchored quotes not found: %s", document.pk, exc.message)
            return [None] * len(queries)


@shared_task(bind=True, acks_late=True, max_retries=4)
def export_annotated_pdf(self: Any, export_id: str) -> str | None:
    """Write an annotated PDF asked for (``exports.annotation_export_run``). Storage or sandbox trouble
    retries with backoff; past the last retry the export ends ``failed`` (``export_unavailable``), so
    the member is not left waiting. What the file itself makes fail ends it at once."""
    from .exports import annotation_export_finish, annotation_export_run

    try:
        export = annotation_export_run(export_id=export_id)
    except (BotoCoreError, ClientError, OSError, ParserUnavailable) as exc:
        if self.request.retries >= self.max_retries:
            logger.warning("export %s: giving up after %d retries", export_id, self.request.retries, exc_info=True)
            annotation_export_finish(
                export_id=export_id,
                code="export_unavailable",
                detail="The annotated PDF could not be made just now; try again in a while.",
            )
            return None
        raise self.retry(exc=exc, countdown=min(120, 5 * 2**self.request.retries)) from exc
    return None if export is None else str(export.state)


@shared_task(acks_late=True)
def clean_exports() -> int:
    """Hourly (beat): remove expired annotated PDFs and files under ``exports/`` that no export owns."""
    from .exports import annotation_exports_clean

    return annotation_exports_clean()

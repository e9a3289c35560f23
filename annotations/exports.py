"""A document's annotations as other tools read them: W3C Web Annotation JSON-LD, Markdown, and an
annotated copy of the PDF with real highlight and note annotations.

The JSON-LD and Markdown serialisers here are pure (annotations in, text or dicts out) and answer in the
request. The annotated PDF is a background job (see its section): the services that start, run and end
it live here, next to the marks they write. What to export is the caller's business: the view hands in
``selectors.annotation_list_for``, so a member gets the team's annotations and their own private ones.
"""

import logging
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApplicationError, ConflictError
from core.storage import get_storage
from documents.events import user_group
from documents.models import Document
from documents.parsing import Limits, PdfMark
from documents.realtime import send_on_commit
from documents.selectors import document_brief_get
from documents.services import parse_limits
from teams.models import Membership
from teams.selectors import team_scoped

from . import selectors
from .events import AnnotationExportFinished, AnnotationExportPayload
from .models import AnchorStatus, Annotation, AnnotationExport, Reply

logger = logging.getLogger(__name__)

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Our extensions (colour, kind, rectangles...) live under this prefix, declared in the collection's context.
VOCAB = "urn:scrollkeeper:ns:"
CONTEXT: list[Any] = [ANNO_CONTEXT, {"scrollkeeper": VOCAB}]
ANNOTATION_URN = "urn:scrollkeeper:annotation:"
REPLY_URN = "urn:scrollkeeper:reply:"
DOCUMENT_URN = "urn:scrollkeeper:document:"
USER_URN = "urn:scrollkeeper:user:"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"

# The palette as RGB in 0..1, for the /C of PDF annotations (and back, to the nearest, on import).
PALETTE_RGB: dict[str, tuple[float, float, float]] = {
    "yellow": (1.0, 0.92, 0.23),
    "green": (0.55, 0.85, 0.45),
    "blue": (0.45, 0.7, 1.0),
    "pink": (1.0, 0.6, 0.8),
    "purple": (0.75, 0.55, 0.95),
    "orange": (1.0, 0.7, 0.3),
    "red": (1.0, 0.4, 0.4),
    "grey": (0.75, 0.75, 0.75),
}


def annotation_urn(annotation_id: UUID | str) -> str:
    return f"{ANNOTATION_URN}{annotation_id}"


def reply_urn(reply_id: UUID | str) -> str:
    return f"{REPLY_URN}{reply_id}"


def document_urn(document: Document) -> str:
    return f"{DOCUMENT_URN}{document.pk}"


def color_rgb(color: str) -> tuple[float, float, float]:
    """A palette name or #rgb / #rrggbb as RGB in 0..1."""
    if color in PALETTE_RGB:
        return PALETTE_RGB[color]
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    try:
        return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)
    except ValueError:
        return PALETTE_RGB["yellow"]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _creator(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": f"{USER_URN}{user.pk}", "type": "Person", "name": user.name}


def _text_body(text: str) -> dict[str, Any]:
    return {"type": "TextualBody", "value": text, "format": "text/markdown", "purpose": "commenting"}


# --- W3C Web Annotation JSON-LD --------------------------------------------------------------------


def annotation_jsonld(annotation: Annotation, *, document: Document) -> dict[str, Any]:
    anchors = annotation.anchors
    selectors: list[dict[str, Any]] = []
    if "quote" in anchors:
        selectors.append({"type": "TextQuoteSelector", **anchors["quote"]})
    if "position" in anchors:
        selectors.append({"type": "TextPositionSelector", **anchors["position"]})
    selectors.append(
        {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={annotation.page_index + 1}"}
    )
    target: dict[str, Any] = {"source": document_urn(document), "selector": selectors}
    if document.sha256:
        target["scrollkeeper:sha256"] = document.sha256
    for name, key in (("rects", "scrollkeeper:rects"), ("point", "scrollkeeper:point")):
        if name in anchors:
            target[key] = anchors[name]
    if "page_end" in anchors:
        target["scrollkeeper:pageEnd"] = anchors["page_end"]
    if anchors.get("continued"):
        # A highlight over a page break: its rectangles on each following page (0-based, as pageEnd).
        target["scrollkeeper:continued"] = [
            {"scrollkeeper:pageIndex": part["page_index"], "scrollkeeper:rects": part["rects"]}
            for part in anchors["continued"]
        ]
    item: dict[str, Any] = {
        "@context": ANNO_CONTEXT,
        "id": annotation_urn(annotation.pk),
        "type": "Annotation",
        "motivation": "commenting" if annotation.kind == Annotation.Kind.NOTE else "highlighting",
        "created": _iso(annotation.created_at),
        "modified": _iso(annotation.updated_at),
        "creator": _creator(annotation.author),
        "target": target,
        "scrollkeeper:kind": annotation.kind,
        "scrollkeeper:color": annotation.color,
        "scrollkeeper:visibility": annotation.visibility,
        "scrollkeeper:resolved": _iso(annotation.resolved_at),
    }
    if annotation.body:
        item["body"] = _text_body(annotation.body)
    return item


def reply_jsonld(reply: Reply) -> dict[str, Any]:
    return {
        "@context": ANNO_CONTEXT,
        "id": reply_urn(reply.pk),
        "type": "Annotation",
        "motivation": "replying",
        "created": _iso(reply.created_at),
        "modified": _iso(reply.updated_at),
        "creator": _creator(reply.author),
        "body": _text_body(reply.body),
        "target": annotation_urn(reply.annotation_id),
    }


def collection_jsonld(*, document: Document, annotations: Iterable[Annotation]) -> dict[str, Any]:
    """An AnnotationCollection with one AnnotationPage: each annotation, then each of its replies.
    ``annotations`` come with their people and replies loaded (``selectors.annotation_list_for``)."""
    items: list[dict[str, Any]] = []
    for annotation in annotations:
        items.append(annotation_jsonld(annotation, document=document))
        items.extend(reply_jsonld(reply) for reply in annotation.thread)
    return {
        "@context": CONTEXT,
        "id": f"{document_urn(document)}:annotations",
        "type": "AnnotationCollection",
        "label": document.title,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


# --- Markdown --------------------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def _indented(text: str, prefix: str) -> str:
    return "\n".join(f"{prefix}{line}" if line else prefix.rstrip() for line in text.splitlines())


def _who(user: User | None) -> str:
    return user.name if user is not None else "(former member)"


def collection_markdown(*, document: Document, annotations: Iterable[Annotation]) -> str:
    """Grouped by page, in reading order: the quote as a blockquote, the body, then the thread."""
    lines = [f"# {document.title}", ""]
    page = None
    for annotation in annotations:
        if annotation.page_index != page:
            page = annotation.page_index
            lines += [f"## Page {page + 1}", ""]
        last_page = annotation.anchors.get("page_end", annotation.page_index)
        spans = f" · runs onto page {last_page + 1}" if last_page > annotation.page_index else ""
        resolved = " · resolved" if annotation.resolved_at else ""
        private = " · private" if annotation.visibility == Annotation.Visibility.PRIVATE else ""
        lines += [f"### {annotation.kind.capitalize()} by {_who(annotation.author)}{spans}{resolved}{private}", ""]
        quote = annotation.anchors.get("quote", {}).get("exact")
        if quote:
            lines += [_quoted(quote), ""]
        if annotation.body:
            lines += [annotation.body, ""]
        for reply in annotation.thread:
            lines += [f"- **{_who(reply.author)}**:", _indented(reply.body, "  "), ""]
    return "\n".join(lines).rstrip() + "\n"


# --- annotated PDF ---------------------------------------------------------------------------------
# Written by a worker in the parser's sandbox (``documents.parsing.annotate_in_subprocess``): pypdf reads
# the whole user's file to copy it. The member asks (``annotation_export_start``, 202), the task writes
# the file to storage (``annotation_export_run``), and the member is told on their sockets and downloads
# it with a short-lived URL; ``annotation_exports_clean`` removes it after ``ANNOTATIONS_EXPORT_EXPIRES``.

# What a failing file says, as the API's codes.
EXPORT_ERROR_CODES = {
    "too_many_pages": "document_too_large",
    "too_large": "document_too_large",
    "encrypted": "pdf_encrypted",
    "timeout": "export_timeout",
    "corrupt": "pdf_unreadable",
    "not_a_pdf": "pdf_unreadable",
}
EXPORTS_PREFIX = "exports/"


def _pdf_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def _mark(
    annotation: Annotation, page_index: int, kind: str, rects: list[list[float]], point: list[float] | None, name: str
) -> PdfMark:
    return PdfMark(
        page_index=page_index,
        kind=kind,
        rects=rects,
        point=point,
        rgb=list(color_rgb(annotation.color)),
        contents=annotation.body,
        author=_who(annotation.author),
        name=name,
        created=_pdf_date(annotation.created_at),
        modified=_pdf_date(annotation.updated_at),
    )


def pdf_marks(annotations: Iterable[Annotation], *, version: int) -> list[PdfMark]:
    """What the annotated copy of the file's ``version`` gets: a /Highlight for each highlight and area
    mark, a /Text for each note, one mark per page the annotation is on. ``annotations`` come with their
    people loaded."""
    marks: list[PdfMark] = []
    for annotation in annotations:
        if annotation.anchor_status == AnchorStatus.ORPHANED or annotation.anchor_version != version:
            continue  # its anchors are those of an earlier version of the file (not re-anchored, or not yet)
        urn = annotation_urn(annotation.pk)
        if annotation.kind == Annotation.Kind.NOTE:
            point = annotation.anchors.get("point")
            marks.append(_mark(annotation, annotation.page_index, "note", [], list(point) if point else None, urn))
            continue
        for page_index, rects in annotation_page_rects(annotation):
            # One /NM per page: the annotation's URN, and for a continuation the page it is on.
            name = urn if page_index == annotation.page_index else f"{urn}#page={page_index + 1}"
            marks.append(_mark(annotation, page_index, "highlight", [list(rect) for rect in rects], None, name))
    return marks


def annotation_page_rects(annotation: Annotation) -> list[tuple[int, list[list[float]]]]:
    """The rectangles of a highlight or area, page by page: its own page's, then those of the pages it
    continues onto (``anchors.continued``), pages without rectangles left out."""
    anchors = annotation.anchors
    pages = [(annotation.page_index, list(anchors.get("rects") or []))]
    pages += [(int(part["page_index"]), list(part.get("rects") or [])) for part in anchors.get("continued") or []]
    return [(page_index, rects) for page_index, rects in pages if rects]


def _check_pages(document: Document) -> None:
    limit = settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES
    if document.pages_total is not None and document.pages_total > limit:
        raise ApplicationError(
            f"The annotated PDF is made for documents of up to {limit} pages; export the annotations as "
            "JSON-LD or Markdown instead.",
            code="document_too_large",
        )


@transaction.atomic
def annotation_export_start(*, actor: Membership, document_id: UUID | str) -> AnnotationExport:
    """Ask for an annotated copy of the document's PDF with what ``actor`` may see; it is written in the
    background (``tasks.export_annotated_pdf``, enqueued on commit). One already being prepared for the
    actor on this document is answered instead of a second. Every member may export (the view checks
    ``annotations.comment``)."""
    from .tasks import export_annotated_pdf

    document = document_brief_get(team=actor.team, document_id=document_id)
    if document.state != Document.State.READY:
        raise ConflictError("This document is not ready yet.", code="document_not_ready")
    _check_pages(document)
    pending = selectors.annotation_export_list_for(user=actor.user, team=actor.team, document_id=document.pk).filter(
        state=AnnotationExport.State.PENDING
    )
    export = pending.order_by("-created_at").first()
    if export is not None and timezone.now() - export.created_at < _stale_after():
        return export
    if export is not None:  # its task was lost (the broker down when it was sent) or died: a new one
        annotation_export_finish(
            export_id=export.pk, code="export_unavailable", detail="This export did not finish; it was started again."
        )
    export = AnnotationExport.objects.create(team=actor.team, document=document, requested_by=actor.user)
    export_id = str(export.pk)
    # Robust: if the broker is down, the member gets the pending export now and a new one on the next try.
    transaction.on_commit(lambda: export_annotated_pdf.delay(export_id), robust=True)
    return export


def _stale_after() -> timedelta:
    """How long a pending export may take before another request starts it again: twice what writing it
    may take in the sandbox, plus the task's retries' first waits."""
    return timedelta(seconds=2 * settings.PARSE_MAX_SECONDS + 60)


def _limits() -> Limits:
    return parse_limits(max_pages=settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES)


def export_storage_key(export: AnnotationExport) -> str:
    # Outside "teams/": the orphan sweep of uploads never sees it; annotation_exports_clean owns the prefix.
    return f"{EXPORTS_PREFIX}{export.team_id}/{export.pk}.pdf"


def annotation_export_run(*, export_id: UUID | str) -> AnnotationExport | None:
    """Write the export: the original from storage, annotated in the sandbox, stored, the member told.
    Nothing to do for an export gone (document deleted) or finished. A failing file ends the export
    ``failed`` with a code (``EXPORT_ERROR_CODES``); storage or sandbox trouble raises for the task to
    retry (``ParserUnavailable``, ``OSError``, boto errors)."""
    from documents.parsing import ParseError, annotate_in_subprocess

    export = AnnotationExport.objects.select_related("document", "requested_by", "team").filter(pk=export_id).first()
    if export is None or export.state != AnnotationExport.State.PENDING:
        return export
    membership = team_scoped(Membership.objects.filter(user=export.requested_by), team=export.team).first()
    if membership is None:  # left the team meanwhile: what they could see is no longer theirs
        return annotation_export_finish(export_id=export.pk, code="not_a_member", detail="You left this team.")
    annotations = selectors.annotation_list_for(
        user=export.requested_by, team=export.team, document_id=export.document_id
    )
    marks = pdf_marks(annotations, version=export.document.version)
    storage = get_storage()
    with tempfile.TemporaryDirectory(prefix="scrollkeeper-export-", dir=settings.PARSE_TMP_DIR) as folder:
        source, out = Path(folder) / "original.pdf", Path(folder) / "annotated.pdf"
        with source.open("wb") as original:
            storage.download_to(key=export.document.storage_key, fileobj=original)
        try:
            written = annotate_in_subprocess(source, out, marks, _limits())
        except ParseError as error:
            logger.info("export %s of document %s failed: %s", export.pk, export.document_id, error)
            return annotation_export_finish(
                export_id=export.pk, code=EXPORT_ERROR_CODES.get(error.code, "pdf_unreadable"), detail=error.message
            )
        key = export_storage_key(export)
        with out.open("rb") as annotated:
            storage.upload_from(key=key, fileobj=annotated, content_type="application/pdf")
        size = out.stat().st_size
    return annotation_export_finish(export_id=export.pk, key=key, size=size, written=written)


@transaction.atomic
def annotation_export_finish(
    *,
    export_id: UUID | str,
    key: str = "",
    size: int | None = None,
    written: int | None = None,
    code: str = "",
    detail: str = "",
) -> AnnotationExport | None:
    """End a pending export: ready with its stored file (``key``), or failed with ``code`` and
    ``detail``; the member hears of it on their sockets after commit. A stored file whose export
    is gone meanwhile (the document was deleted) is removed."""
    export = AnnotationExport.objects.select_for_update().filter(pk=export_id).first()
    if export is None or export.state != AnnotationExport.State.PENDING:
        if key and (export is None or export.storage_key != key):
            get_storage().delete(key=key)
        return export
    export.state = AnnotationExport.State.FAILED if code else AnnotationExport.State.READY
    export.storage_key, export.size, export.written = key, size, written
    export.error_code, export.error_detail = code, detail
    export.finished_at = timezone.now()
    export.save()
    event: AnnotationExportFinished = {
        "type": "annotation.export.finished",
        "team_id": str(export.team_id),
        "document_id": str(export.document_id),
        "export": export_payload(export),
    }
    send_on_commit(user_group(export.requested_by_id), event)
    return export


def export_payload(export: AnnotationExport) -> AnnotationExportPayload:
    return {
        "id": str(export.pk),
        "document_id": str(export.document_id),
        "format": export.format,
        "state": export.state,
        "error": {"code": export.error_code, "detail": export.error_detail} if export.error_code else None,
        "written": export.written,
        "created_at": _iso(export.created_at) or "",
        "finished_at": _iso(export.finished_at),
    }


def annotation_exports_clean(*, now: datetime | None = None) -> int:
    """Remove exports older than ``ANNOTATIONS_EXPORT_EXPIRES`` with their files, and files under
    ``exports/`` that no export owns (a crash between the store and the commit, a deleted document).
    Hourly, from beat; the number of files and rows removed."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.ANNOTATIONS_EXPORT_EXPIRES)
    storage = get_storage()
    expired = AnnotationExport.objects.filter(created_at__lt=cutoff)
    going = set(expired.exclude(storage_key="").values_list("storage_key", flat=True))
    # Each row's file goes with it, once that commits (receivers.remove_the_file_of_a_deleted_export).
    _, deleted = expired.delete()
    removed = deleted.get(AnnotationExport._meta.label, 0)
    stored = [(key, modified) for key, modified in storage.list_keys(prefix=EXPORTS_PREFIX) if key not in going]
    owned = set(
        AnnotationExport.objects.filter(storage_key__in=[key for key, _ in stored]).values_list(
            "storage_key", flat=True
        )
    )
    for key, modified in stored:
        if modified < cutoff and key not in owned:
            storage.delete(key=key)
            removed += 1
    return removed

"""A document's annotations as other tools read them: W3C Web Annotation JSON-LD, Markdown, and an
annotated copy of the PDF with real highlight and note annotations.

The serialisers here are pure (annotations in, text or dicts out); ``annotations_export_pdf`` fetches
the original from storage. What to export is the caller's business: the view hands in
``selectors.annotation_list_for``, so a member gets the team's annotations and their own private ones.
"""

import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

from django.conf import settings

from accounts.models import User
from core.exceptions import ApplicationError
from core.storage import get_storage
from documents.models import Document

from .models import Annotation, Reply

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
        resolved = " · resolved" if annotation.resolved_at else ""
        private = " · private" if annotation.visibility == Annotation.Visibility.PRIVATE else ""
        lines += [f"### {annotation.kind.capitalize()} by {_who(annotation.author)}{resolved}{private}", ""]
        quote = annotation.anchors.get("quote", {}).get("exact")
        if quote:
            lines += [_quoted(quote), ""]
        if annotation.body:
            lines += [annotation.body, ""]
        for reply in annotation.thread:
            lines += [f"- **{_who(reply.author)}**:", _indented(reply.body, "  "), ""]
    return "\n".join(lines).rstrip() + "\n"


# --- annotated PDF ---------------------------------------------------------------------------------


def _rgb_hex(color: str) -> str:
    return "".join(f"{round(channel * 255):02x}" for channel in color_rgb(color))


def _bounds(rects: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    return (
        min(rect[0] for rect in rects),
        min(rect[1] for rect in rects),
        max(rect[2] for rect in rects),
        max(rect[3] for rect in rects),
    )


def _pdf_date(value: datetime) -> str:
    return value.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def _markup_fields(annotation: Annotation) -> dict[Any, Any]:
    from pypdf.generic import NameObject, TextStringObject

    return {
        NameObject("/Contents"): TextStringObject(annotation.body),
        NameObject("/T"): TextStringObject(_who(annotation.author)),
        NameObject("/NM"): TextStringObject(annotation_urn(annotation.pk)),
        NameObject("/M"): TextStringObject(_pdf_date(annotation.updated_at)),
        NameObject("/CreationDate"): TextStringObject(_pdf_date(annotation.created_at)),
    }


def _write_pdf_annotations(writer: Any, annotations: Iterable[Annotation]) -> int:
    """Add a /Highlight for each highlight and area mark and a /Text for each note, each with a /Popup
    for its comment; the number of annotations written."""
    from pypdf.annotations import Highlight, Popup, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    written = 0
    pages = len(writer.pages)
    for annotation in annotations:
        if annotation.page_index >= pages:
            continue
        anchors = annotation.anchors
        if annotation.kind == Annotation.Kind.NOTE:
            x, y = anchors.get("point", [36.0, 36.0])
            rect = (x, y - 20, x + 20, y)
            text = Text(rect=rect, text=annotation.body)
            text.update(_markup_fields(annotation))
            text[NameObject("/C")] = ArrayObject(FloatObject(c) for c in color_rgb(annotation.color))
            parent = writer.add_annotation(annotation.page_index, text)
            popup = Popup(rect=(x + 20, y - 100, x + 220, y), parent=parent)
            writer.add_annotation(annotation.page_index, popup)
        else:
            # A highlight that runs onto the next page has all its rects on its first page here:
            # the stored anchors do not say which rect is on which page.
            rects = anchors.get("rects") or []
            if not rects:
                continue
            quad_points = ArrayObject()
            for x1, y1, x2, y2 in rects:
                # Top-left, top-right, bottom-left, bottom-right: the order readers expect.
                quad_points.extend(FloatObject(value) for value in (x1, y2, x2, y2, x1, y1, x2, y1))
            bounds = _bounds(rects)
            highlight = Highlight(
                rect=bounds, quad_points=quad_points, highlight_color=_rgb_hex(annotation.color), printing=True
            )
            highlight.update(_markup_fields(annotation))
            parent = writer.add_annotation(annotation.page_index, highlight)
            if annotation.body:
                _, _, x2, y2 = bounds
                writer.add_annotation(annotation.page_index, Popup(rect=(x2, y2 - 100, x2 + 200, y2), parent=parent))
        written += 1
    return written


def annotated_pdf_write(*, source: str, annotations: Iterable[Annotation], out: IO[bytes]) -> int:
    """Copy the PDF at ``source`` into ``out`` with ``annotations`` added; pure (no storage, no ORM
    beyond the loaded annotations). pypdf holds the document's objects in memory while writing."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    if len(reader.pages) > settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES:
        raise ApplicationError(
            f"The annotated PDF is made for documents of up to {settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES} "
            "pages; export the annotations as JSON-LD or Markdown instead.",
            code="document_too_large",
        )
    writer = PdfWriter(clone_from=reader)
    written = _write_pdf_annotations(writer, annotations)
    writer.write(out)
    return written


def annotations_export_pdf(*, document: Document, annotations: Iterable[Annotation]) -> IO[bytes]:
    """The original from storage, annotated, in a temporary file positioned at its start (deleted when
    closed). Synchronous: bounded by ``ANNOTATIONS_EXPORT_PDF_MAX_PAGES``; a background job with a
    download link is the way for larger documents."""
    if document.pages_total is not None and document.pages_total > settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES:
        raise ApplicationError(
            f"The annotated PDF is made for documents of up to {settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES} "
            "pages; export the annotations as JSON-LD or Markdown instead.",
            code="document_too_large",
        )
    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=settings.PARSE_TMP_DIR) as original:
        get_storage().download_to(key=document.storage_key, fileobj=original)
        original.flush()
        out = tempfile.TemporaryFile(suffix=".pdf", dir=settings.PARSE_TMP_DIR)  # noqa: SIM115 - returned open: FileResponse streams, then closes (deletes) it
        try:
            annotated_pdf_write(source=original.name, annotations=annotations, out=out)
        except BaseException:
            out.close()
            raise
    out.seek(0)
    return out

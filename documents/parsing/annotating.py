"""A copy of a PDF with markup annotations written into it: the annotated-PDF export.

Pure like the rest of the parser (marks in, a file out; no Django, no ORM) and run in its sandbox
(``annotate_in_subprocess``, ``task: "annotate"``): pypdf reads the user's file in full to copy it,
which is no safer than parsing it. The caller turns its annotations into ``PdfMark``s, one per page
they touch.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

from .errors import ErrorCode, ParseError
from .results import Limits

MAX_MARKS = 20_000
MAX_RECTS = 500


@dataclass(frozen=True, slots=True)
class PdfMark:
    """One annotation to write on one page. ``kind`` "note" is a /Text (at ``point``, its comment in
    a /Popup); "highlight" a /Highlight over ``rects`` ([x1, y1, x2, y2] in PDF user space), with a
    /Popup when it has ``contents``. Dates are PDF dates ("D:20250301100000Z")."""

    page_index: int
    kind: str
    rects: list[list[float]]
    point: list[float] | None
    rgb: list[float]
    contents: str
    author: str
    name: str
    """``/NM``: unique per page and annotation; the import skips what carries one of our URNs."""
    created: str
    modified: str


def write_annotated_pdf(
    source: str | PathLike[str], out: str | PathLike[str], marks: Sequence[PdfMark], limits: Limits
) -> int:
    """Copy the PDF at ``source`` to ``out`` with ``marks`` added; the number written (marks on pages
    the file does not have are left out). Raises ``ParseError``: ``too_many_pages`` above
    ``limits.max_pages``, ``encrypted``, ``corrupt`` for a file pypdf cannot read or write."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(source))
        if reader.is_encrypted:
            raise ParseError(ErrorCode.ENCRYPTED, "The PDF is encrypted; it cannot be annotated.")
        pages = len(reader.pages)
        if pages > limits.max_pages:
            raise ParseError(
                ErrorCode.TOO_MANY_PAGES,
                f"The annotated PDF is made for documents of up to {limits.max_pages} pages; export the "
                "annotations as JSON-LD or Markdown instead.",
            )
        writer = PdfWriter(clone_from=reader)
        written = 0
        for mark in marks[:MAX_MARKS]:
            if 0 <= mark.page_index < pages and _add(writer, mark):
                written += 1
        writer.write(str(out))
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ParseError(ErrorCode.CORRUPT, "The PDF could not be read to annotate it.") from error
    return written


def _add(writer: Any, mark: PdfMark) -> bool:
    from pypdf.annotations import Highlight, Popup, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    fields = {
        NameObject("/Contents"): TextStringObject(mark.contents),
        NameObject("/T"): TextStringObject(mark.author),
        NameObject("/NM"): TextStringObject(mark.name),
        NameObject("/M"): TextStringObject(mark.modified),
        NameObject("/CreationDate"): TextStringObject(mark.created),
    }
    if mark.kind == "note":
        x, y = mark.point if mark.point is not None else (36.0, 36.0)
        text = Text(rect=(x, y - 20, x + 20, y), text=mark.contents)
        text.update(fields)
        text[NameObject("/C")] = ArrayObject(FloatObject(channel) for channel in mark.rgb)
        parent = writer.add_annotation(mark.page_index, text)
        writer.add_annotation(mark.page_index, Popup(rect=(x + 20, y - 100, x + 220, y), parent=parent))
        return True
    rects = mark.rects[:MAX_RECTS]
    if not rects:
        return False
    quad_points = ArrayObject()
    for x1, y1, x2, y2 in rects:
        # Top-left, top-right, bottom-left, bottom-right: the order readers expect.
        quad_points.extend(FloatObject(value) for value in (x1, y2, x2, y2, x1, y1, x2, y1))
    bounds = _bounds(rects)
    highlight = Highlight(rect=bounds, quad_points=quad_points, highlight_color=_hex(mark.rgb), printing=True)
    highlight.update(fields)
    parent = writer.add_annotation(mark.page_index, highlight)
    if mark.contents:
        _, _, x2, y2 = bounds
        writer.add_annotation(mark.page_index, Popup(rect=(x2, y2 - 100, x2 + 200, y2), parent=parent))
    return True


def _hex(rgb: Sequence[float]) -> str:
    return "".join(f"{round(min(max(channel, 0.0), 1.0) * 255):02x}" for channel in rgb[:3])


def _bounds(rects: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    return (
        min(rect[0] for rect in rects),
        min(rect[1] for rect in rects),
        max(rect[2] for rect in rects),
        max(rect[3] for rect in rects),
    )

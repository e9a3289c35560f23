"""The markup annotations already inside a PDF (highlights, underlines, notes made in Acrobat, Zotero,
Preview), read for import. Pure like the rest of the parser, and run in its sandbox
(``read_annotations_in_subprocess``): reading a hostile file's annotation dictionaries is no safer than
reading its pages.

Only the annotation dictionaries of each page are read, and the text pdfium finds under the rectangles of
the pages that carry a highlight, so that the import can anchor the quote in the stored page text.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any

from .cleaning import clean_text
from .errors import ErrorCode, ParseError
from .results import Limits

HIGHLIGHT_SUBTYPES = frozenset({"/Highlight", "/Underline", "/StrikeOut", "/Squiggly"})
NOTE_SUBTYPES = frozenset({"/Text", "/FreeText"})
MAX_ANNOTATIONS = 5_000
MAX_RECTS = 500


@dataclass(frozen=True, slots=True)
class EmbeddedAnnotation:
    """One markup annotation of a page; ``rects`` in PDF user space ``[x1, y1, x2, y2]``."""

    page_index: int
    subtype: str
    rects: list[list[float]]
    contents: str
    rgb: list[float] | None
    """``/C``: gray, RGB or CMYK components in 0..1."""
    name: str
    """``/NM``, "" when there is none."""
    text_under: str
    """What pdfium finds inside the rectangles, cleaned as page text is (highlight kinds only)."""
    near: int | None
    """About where that text starts in the page's cleaned text, to tell repeated words apart."""


def read_embedded_annotations(path: str | PathLike[str], limits: Limits) -> list[EmbeddedAnnotation]:
    """The highlight-like and note annotations of the PDF at ``path``, page by page, at most
    ``MAX_ANNOTATIONS``. Raises ``ParseError`` for a file pypdf cannot open."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = reader.pages
    except (PdfReadError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise ParseError(ErrorCode.CORRUPT, "The PDF's annotations could not be read.") from error
    found: list[EmbeddedAnnotation] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page_index, page in enumerate(pages):
            if page_index >= limits.max_pages or len(found) >= MAX_ANNOTATIONS:
                break
            try:
                for annotation in _markup(page):
                    found.append(_embedded(pdf, page_index, annotation))
                    if len(found) >= MAX_ANNOTATIONS:
                        break
            except Exception:  # noqa: BLE001, S112 - pypdf raises anything on broken dictionaries: skip that page
                continue
    finally:
        pdf.close()
    return found


def _markup(page: Any) -> Iterator[Any]:
    annots = page.get("/Annots")
    if annots is None:
        return
    for reference in annots.get_object():
        annotation = reference.get_object()
        if str(annotation.get("/Subtype", "")) in HIGHLIGHT_SUBTYPES | NOTE_SUBTYPES and _rects(annotation):
            yield annotation


def _embedded(pdf: Any, page_index: int, annotation: Any) -> EmbeddedAnnotation:
    subtype = str(annotation.get("/Subtype", ""))
    rects = _rects(annotation)[:MAX_RECTS]
    contents = annotation.get("/Contents")
    rgb = _numbers(annotation.get("/C", []))
    text_under, near = _text_under(pdf, page_index, rects) if subtype in HIGHLIGHT_SUBTYPES else ("", None)
    return EmbeddedAnnotation(
        page_index=page_index,
        subtype=subtype,
        rects=rects,
        contents=clean_text(str(contents)) if contents is not None else "",
        rgb=rgb or None,
        name=clean_text(str(annotation.get("/NM", ""))),
        text_under=text_under,
        near=near,
    )


def _numbers(value: Any) -> list[float]:
    try:
        numbers = [float(part) for part in value]
    except (TypeError, ValueError):
        return []
    return numbers if all(math.isfinite(number) for number in numbers) else []


def _rect(values: Sequence[float]) -> list[float]:
    x1, y1, x2, y2 = values
    return [round(min(x1, x2), 2), round(min(y1, y2), 2), round(max(x1, x2), 2), round(max(y1, y2), 2)]


def _rects(annotation: Any) -> list[list[float]]:
    quad_points = _numbers(annotation.get("/QuadPoints", []))
    rects = []
    for start in range(0, len(quad_points) - len(quad_points) % 8, 8):
        xs, ys = quad_points[start : start + 8 : 2], quad_points[start + 1 : start + 8 : 2]
        rects.append(_rect((min(xs), min(ys), max(xs), max(ys))))
    if not rects:
        rect = _numbers(annotation.get("/Rect", []))
        if len(rect) == 4:
            rects.append(_rect(rect))
    return rects


def _text_under(pdf: Any, page_index: int, rects: list[list[float]]) -> tuple[str, int | None]:
    page = pdf[page_index]
    try:
        textpage = page.get_textpage()
        try:
            parts = [textpage.get_text_bounded(left=x1, bottom=y1, right=x2, top=y2) for x1, y1, x2, y2 in rects]
            x1, y1, _, y2 = rects[0]
            # The first character under the highlight: the stored text is pdfium's text of the whole
            # page, cleaned, so the (cleaned) text before that character says where to look.
            index = textpage.get_index(x1 + 1, (y1 + y2) / 2, 2, max((y2 - y1) / 2, 1))
            near = len(clean_text(textpage.get_text_range(0, index))) if index is not None and index >= 0 else None
        finally:
            textpage.close()
    finally:
        page.close()
    return clean_text(" ".join(part.strip() for part in parts if part.strip())), near

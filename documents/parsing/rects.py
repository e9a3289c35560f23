"""The rectangles of quotes on their pages, from pdfium's glyph boxes: where the reader draws a highlight
that was placed on a page's text without a selection (re-anchored onto a new version of the file).

Runs in the sandboxed child (``task: "rects"``): it opens a user's file with pdfium.
"""

from dataclasses import dataclass
from os import PathLike
from typing import Any

from .errors import ErrorCode, ParseError
from .quotes import locate_in_page
from .results import Limits

MAX_RECTS = 500  # as many as the annotation API accepts
MAX_QUOTES = 5_000


@dataclass(frozen=True)
class QuoteQuery:
    page_index: int
    exact: str
    prefix: str = ""
    suffix: str = ""


Rects = list[list[float]]


def quote_rects(path: str | PathLike[str], queries: list[QuoteQuery], limits: Limits) -> list[Rects | None]:
    """For each query, the rectangles ``[x1, y1, x2, y2]`` (PDF user space, one per text run) of its quote
    on its page, found in pdfium's text of that page; None when the quote is not there (a page without a
    text layer) or the page does not exist. Raises ``ParseError`` for a file pdfium cannot open."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise ParseError(ErrorCode.CORRUPT, "The PDF could not be opened.") from error
    results: list[Rects | None] = [None] * len(queries)
    try:
        by_page: dict[int, list[int]] = {}
        for number, query in enumerate(queries[:MAX_QUOTES]):
            if 0 <= query.page_index < min(len(pdf), limits.max_pages):
                by_page.setdefault(query.page_index, []).append(number)
        for page_index, numbers in sorted(by_page.items()):
            page = pdf[page_index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                    for number in numbers:
                        query = queries[number]
                        found = locate_in_page(text, query.exact, query.prefix, query.suffix)
                        if found is not None:
                            results[number] = _rects(textpage, *found)
                finally:
                    textpage.close()
            finally:
                page.close()
    finally:
        pdf.close()
    return results


def _rects(textpage: Any, start: int, end: int) -> Rects | None:
    count = textpage.count_rects(start, end - start)
    rects = []
    for index in range(min(count, MAX_RECTS)):
        left, bottom, right, top = textpage.get_rect(index)
        if right - left > 0.1 and top - bottom > 0.1:
            x1, x2 = sorted((left, right))
            y1, y2 = sorted((bottom, top))
            rects.append([round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)])
    return rects or None

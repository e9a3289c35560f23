"""Placing a quote in a document's text: where a highlight of an earlier version of the file goes in the new
one. Pure (no ORM): the pages come in as text, the placement goes out as offsets.

The whole document is searched as one normalised text (``documents.parsing.quotes``: no whitespace, no
dashes, so line breaks and hyphenation do not matter and a quote can run over a page break), and each
normalised character remembers its page and its offset there.

1. Exact: every occurrence of the quote, the best first by how much of the prefix and suffix around it
   agree with the annotation's, then by the distance to the page it was on.
2. Fuzzy, when the quote itself was edited: candidates come from pieces of the quote and from its
   context (the end of the prefix, the start of the suffix) found exactly, near the old page first and
   then anywhere; each candidate is aligned with ``difflib`` over a window a little larger than the quote,
   and kept if it is similar enough. Both steps are bounded (occurrences, pieces, candidates), so 500
   annotations on a 300-page document take well under a second.
"""

import bisect
import difflib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from documents.parsing.quotes import context_score, normalise, occurrences

CONTEXT_LENGTH = 32
"""Characters of prefix and suffix stored with a placed quote (as the reader stores them)."""
MIN_FUZZY_LENGTH = 8
"""A quote shorter than this (normalised) is placed exactly or not at all: a fuzzy match would be noise."""
MIN_SIMILARITY = 0.75
"""difflib's ratio a fuzzy match needs; 0.6 is enough when the context on both sides agrees as well."""
MIN_SIMILARITY_IN_CONTEXT = 0.6
NEARBY_PAGES = 2
MAX_PIECES = 12
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Placement:
    """Where a quote is in the new text: offsets in the stored text of ``page_index`` (``start``) and of
    ``page_end`` (``end``, exclusive), with the quote and its context as they are there."""

    page_index: int
    start: int
    page_end: int
    end: int
    exact: str
    prefix: str
    suffix: str
    fuzzy: bool
    head: str
    """The part of ``exact`` on ``page_index`` (all of it unless the quote runs onto the next page)."""


class DocumentText:
    """The pages of a document as one normalised text."""

    def __init__(self, pages: Sequence[tuple[int, str]]) -> None:
        parts: list[str] = []
        self.origin = array("l")
        self.page_starts: list[int] = []  # where each page begins in ``text``
        self.page_numbers: list[int] = []  # the page index of each entry of ``page_starts``
        self.pages = dict(pages)
        length = 0
        for index, text in sorted(pages):
            normalised = normalise(text)
            self.page_starts.append(length)
            self.page_numbers.append(index)
            parts.append(normalised.text)
            self.origin.extend(normalised.origin)
            length += len(normalised.text)
        self.text = "".join(parts)

    def page_at(self, at: int) -> int:
        return self.page_numbers[max(0, bisect.bisect_right(self.page_starts, at) - 1)]

    def span_of_pages(self, first: int, last: int) -> tuple[int, int]:
        """The normalised text of pages ``first`` to ``last`` (page indexes, inclusive)."""
        start = bisect.bisect_left(self.page_numbers, first)
        stop = bisect.bisect_right(self.page_numbers, last)
        begin = self.page_starts[start] if start < len(self.page_starts) else len(self.text)
        end = self.page_starts[stop] if stop < len(self.page_starts) else len(self.text)
        return begin, end

    def placement(self, start: int, end: int, *, fuzzy: bool) -> Placement:
        first_page, last_page = self.page_at(start), self.page_at(end - 1)
        begin = self.origin[start]
        last = self.origin[end - 1]
        first_text, last_text = self.pages[first_page], self.pages[last_page]
        finish = last + 1
        same_page = first_page == last_page
        head = first_text[begin:finish] if same_page else first_text[begin:]
        exact = head if same_page else head + "\n" + last_text[:finish]
        return Placement(
            page_index=first_page,
            start=begin,
            page_end=last_page,
            end=finish,
            exact=exact,
            prefix=first_text[max(0, begin - CONTEXT_LENGTH) : begin],
            suffix=last_text[finish : finish + CONTEXT_LENGTH],
            fuzzy=fuzzy,
            head=head,
        )


def place_quote(document: DocumentText, *, exact: str, prefix: str, suffix: str, page_hint: int) -> Placement | None:
    """Where ``exact`` (with ``prefix`` and ``suffix`` around it, last seen on page ``page_hint``) is in
    ``document``: exactly if it can be, else approximately; None when it is not there any more."""
    needle = normalise(exact).text
    if not needle or not document.text:
        return None
    before, after = normalise(prefix).text, normalise(suffix).text
    found = _exact(document, needle, before, after, page_hint)
    if found is not None:
        return document.placement(found, found + len(needle), fuzzy=False)
    if len(needle) < MIN_FUZZY_LENGTH:
        return None
    nearby = document.span_of_pages(page_hint - NEARBY_PAGES, page_hint + NEARBY_PAGES)
    for region in (nearby, (0, len(document.text))):
        span = _fuzzy(document, needle, before, after, region)
        if span is not None:
            return document.placement(*span, fuzzy=True)
    return None


def place_span(
    document: DocumentText, *, head: str, tail: str, prefix: str, suffix: str, page_hint: int, max_pages: int
) -> Placement | None:
    """Where a highlight over three or more pages is now. Its quote keeps the text of its first and last
    pages only (``head`` and ``tail``), so it is found as two parts: ``head`` (exactly, by its prefix), then
    ``tail`` after it, at most ``max_pages`` pages further on (the one closest to its suffix first). None
    when either part is gone; the whole quote is then tried like any other."""
    first, last = normalise(head).text, normalise(tail).text
    if not first or not last or not document.text:
        return None
    start = _exact(document, first, normalise(prefix).text, "", page_hint)
    if start is None:
        return None
    _, limit = document.span_of_pages(document.page_at(start), document.page_at(start) + max_pages)
    after, best = normalise(suffix).text, None
    for at in occurrences(document.text, last, start=start + len(first), end=limit):
        key = (context_score(document.text, at, at + len(last), "", after), -at)
        if best is None or key > best:
            best = key
    return None if best is None else document.placement(start, -best[1] + len(last), fuzzy=False)


def _exact(document: DocumentText, needle: str, before: str, after: str, page_hint: int) -> int | None:
    best: tuple[int, int, int] | None = None
    for at in occurrences(document.text, needle):
        key = (
            context_score(document.text, at, at + len(needle), before, after),
            -abs(document.page_at(at) - page_hint),
            -at,
        )
        if best is None or key > best:
            best = key
    return None if best is None else -best[2]


def _pieces(needle: str) -> list[tuple[int, str]]:
    """Up to ``MAX_PIECES`` pieces of the quote, spread over it, each long enough to be rare in a text."""
    size = max(MIN_FUZZY_LENGTH // 2 + 2, min(24, len(needle) // 4))
    offsets = list(range(0, max(1, len(needle) - size + 1), size))
    if len(offsets) > MAX_PIECES:
        step = len(offsets) / MAX_PIECES
        offsets = [offsets[int(i * step)] for i in range(MAX_PIECES)]
    return [(offset, needle[offset : offset + size]) for offset in offsets]


def _fuzzy(
    document: DocumentText, needle: str, before: str, after: str, region: tuple[int, int]
) -> tuple[int, int] | None:
    text = document.text
    begin, end = region
    length = len(needle)
    # Each exact find of a piece (or of the context) votes for where the quote would start.
    votes: Counter[int] = Counter()
    bucket = max(4, length // 4)
    for offset, piece in _pieces(needle):
        for at in occurrences(text, piece, start=begin, end=end)[:50]:
            votes[(at - offset) // bucket] += 1
    if len(before) >= 8:
        tail = before[-16:]
        for at in occurrences(text, tail, start=begin, end=end)[:50]:
            votes[(at + len(tail)) // bucket] += 1
    if len(after) >= 8:
        head = after[:16]
        for at in occurrences(text, head, start=begin, end=end)[:50]:
            votes[(at - length) // bucket] += 1
    best: tuple[float, int, int] | None = None
    slack = length // 4 + 8
    for cell, _ in votes.most_common(MAX_CANDIDATES):
        window_start = max(begin, cell * bucket - slack)
        window_end = min(end, cell * bucket + bucket + length + slack)
        span = _align(text, needle, window_start, window_end)
        if span is None:
            continue
        start, stop = span
        ratio = difflib.SequenceMatcher(None, needle, text[start:stop], autojunk=False).ratio()
        in_context = bool(before) and bool(after) and context_score(text, start, stop, before[-8:], after[:8]) >= 16
        if ratio >= MIN_SIMILARITY or (in_context and ratio >= MIN_SIMILARITY_IN_CONTEXT):
            key = (ratio + (0.1 if in_context else 0.0), -start, stop)
            if best is None or key > best:
                best = key
    return None if best is None else (-best[1], best[2])


def _align(text: str, needle: str, window_start: int, window_end: int) -> tuple[int, int] | None:
    """The span of ``text[window_start:window_end]`` the quote lines up with: from its first matching
    block to its last (blocks of at least 3 characters, so stray letters do not stretch it)."""
    window = text[window_start:window_end]
    blocks = [
        block
        for block in difflib.SequenceMatcher(None, needle, window, autojunk=False).get_matching_blocks()
        if block.size >= 3
    ]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    # A few characters of the quote before the first block (or after the last) were changed, not cut.
    start = first.b - first.a if first.a <= 2 else first.b
    missing = len(needle) - last.a - last.size
    stop = last.b + last.size + (missing if missing <= 2 else 0)
    start, stop = window_start + max(0, start), window_start + min(len(window), stop)
    return (start, stop) if stop > start else None

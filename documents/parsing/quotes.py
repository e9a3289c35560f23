"""Finding a quote in page text the way the reader does (``frontend/src/annotations/anchoring.ts``).

Two extractions of one page differ in ways a reader does not care about: line breaks and spaces come and
go between text runs, a word broken across lines keeps its hyphen in one and not in the other, ligatures
are one code point or two. Text is compared in a normal form without whitespace or dashes, each
normalised character remembering the offset it came from, so that what is found maps back to offsets in
the original text. Pure: used by annotations (re-anchoring on stored page text) and by the sandboxed
parsing child (pdfium's own text of a page, for the rectangles of a quote).
"""

import re
import unicodedata
from array import array
from dataclasses import dataclass

# Whitespace, soft hyphens, dashes and pdfium's line-end hyphen marker do not take part in matching.
_SKIPPED = re.compile("[\\s\u00ad\u2010\u2011\u2012\u2013\u2014\u2212\ufffe\u0002-]")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
CONTEXT = 64
"""How many normalised characters of the text around a quote are compared with its prefix and suffix."""
MAX_OCCURRENCES = 5_000
"""Occurrences of a quote looked at; a quote found more often than this is too short to tell apart."""


@dataclass(frozen=True)
class Normalised:
    text: str
    origin: array  # type: ignore[type-arg]  # array("l"): the original offset of each character of text


def normalise(original: str) -> Normalised:
    text: list[str] = []
    origin = array("l")
    for offset, char in enumerate(original):
        if _SKIPPED.match(char):
            continue
        folded = _QUOTES.get(char) or unicodedata.normalize("NFKC", char)
        for unit in folded:
            if not _SKIPPED.match(unit):
                text.append(unit)
                origin.append(offset)
    return Normalised("".join(text), origin)


def common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def common_suffix_length(a: str, b: str) -> int:
    return common_prefix_length(a[::-1], b[::-1])


def context_score(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many normalised characters around ``text[start:end]`` agree with ``prefix`` and ``suffix``."""
    return common_suffix_length(text[max(0, start - CONTEXT) : start], prefix[-CONTEXT:]) + common_prefix_length(
        text[end : end + CONTEXT], suffix[:CONTEXT]
    )


def occurrences(text: str, needle: str, *, start: int = 0, end: int | None = None) -> list[int]:
    """Where ``needle`` starts in ``text[start:end]`` (offsets in ``text``), at most ``MAX_OCCURRENCES``."""
    found: list[int] = []
    stop = len(text) if end is None else end
    at = text.find(needle, start, stop)
    while at != -1 and len(found) < MAX_OCCURRENCES:
        found.append(at)
        at = text.find(needle, at + 1, stop)
    return found


def locate_in_page(page_text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """``(start, end)`` offsets in ``page_text`` of the occurrence of ``exact`` whose surroundings best
    agree with ``prefix`` and ``suffix``; None when it is not there (compared normalised)."""
    page = normalise(page_text)
    needle = normalise(exact).text
    if not needle:
        return None
    before, after = normalise(prefix).text, normalise(suffix).text
    best: tuple[int, int] | None = None
    for at in occurrences(page.text, needle):
        score = context_score(page.text, at, at + len(needle), before, after)
        if best is None or score > best[0]:
            best = (score, at)
    if best is None:
        return None
    at = best[1]
    return page.origin[at], page.origin[at + len(needle) - 1] + 1

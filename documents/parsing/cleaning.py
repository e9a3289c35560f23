"""Text that leaves the parser is safe to store: PostgreSQL rejects NUL, and UTF-8 cannot carry lone surrogates.

PDF text is whatever the producer put in its font tables, so extracted text routinely holds control
characters (glyphs of math fonts without a Unicode map), NUL (UTF-16 strings read as bytes) and halves of
surrogate pairs. They are removed here, once, for page text, metadata and outline titles alike.
"""

import re

# C0 controls but tab and newline, DEL and the C1 block, lone surrogates, and the two noncharacters.
# pdfium writes U+FFFE where a line ended in a hyphen and joins the word across the break, so dropping
# it de-hyphenates ("pack\ufffeages" -> "packages"), which is what search wants.
MIN_VISIBLE_CHARS = 16
"""A page with fewer visible characters than this has (almost) no text, as far as the extractors go."""
MAX_LINE_CHARS = 500
"""A one-line value (a title, an author, an outline entry) is cut at this length: producers put paragraphs
there, and a hostile file megabytes, which every library page and reader would then carry."""

_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
# What counts as text when deciding whether an extractor found anything: not whitespace, not private-use
# glyphs (unmapped symbol fonts), not U+FFFD (a character the extractor could not map).
_VISIBLE = re.compile("[^\\s\ue000-\uf8ff\ufffd]")


def clean_text(text: str) -> str:
    """Page text with line breaks normalised to ``\\n`` and every unstorable character removed."""
    return _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: object, *, max_chars: int = MAX_LINE_CHARS) -> str | None:
    """A one-line value (metadata, outline title): cleaned, whitespace collapsed, cut to ``max_chars`` with an
    ellipsis; None when nothing is left."""
    if value is None:
        return None
    # Only a bounded head is cleaned: what cleaning removes rarely runs to seven times what is kept.
    text = _SPACES.sub(" ", _UNWANTED.sub("", str(value)[: 8 * max_chars])).strip()
    return shorten(text, max_chars) or None


def shorten(text: str, max_chars: int) -> str:
    """``text``, or its first ``max_chars - 1`` characters and an ellipsis."""
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def visible_char_count(text: str, *, at_most: int) -> int:
    """How many characters of ``text`` a reader could select or search for, counting up to ``at_most``.

    The callers only ask "are there at least N", and stopping early spares a scan of every page's text.
    """
    count = 0
    for _ in _VISIBLE.finditer(text):
        count += 1
        if count >= at_most:
            break
    return count

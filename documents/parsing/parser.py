"""The parse itself, in the calling process: ``parse_pdf``, and the ``PdfParser`` protocol it sits behind.

``parse_pdf`` is pure (a path in, a ``ParsedDocument`` out, no Django, no I/O but reading the file) and
raises only ``ParseError`` -- or whatever the caller's ``on_page`` raises, untouched. It enforces the page,
text and time limits cooperatively, between pages; one hostile page can still run forever or exhaust
memory, which is why uploads are parsed with ``parse_in_subprocess`` (``isolation``) instead.
"""

import hashlib
import re
import time
from collections import Counter
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import NamedTuple, Protocol

import pypdf.errors

from .cleaning import MAX_LINE_CHARS, MIN_VISIBLE_CHARS, clean_line, clean_text, shorten, visible_char_count
from .dates import parse_pdf_date
from .engines import (
    CannotOpen,
    EngineOpener,
    PageContent,
    PdfEngine,
    PdfiumEngine,
    PypdfEngine,
    RawMetadata,
    pypdf_limits,
)
from .errors import ErrorCode, ParseError, file_too_large
from .identifiers import find_arxiv_id, find_doi
from .results import (
    DEFAULT_LIMITS,
    DocumentMetadata,
    Limits,
    OutlineItem,
    ParsedDocument,
    ParsedPage,
    ProgressCallback,
    QualityReport,
)

HEADER_WINDOW = 1024
"""Acrobat accepts the header anywhere in the first 1024 bytes (some producers write a preamble first)."""
_HEADER = re.compile(rb"%PDF-\d+\.\d+")
IDENTIFIER_PAGES = 2
"""DOI and arXiv id are looked for on this many first pages (the paper's own; cited ones come later)."""
MAX_NAMES = 100
"""Authors and keywords kept of a document's metadata: what a library row or a detail page can show (a
collaboration's paper may name thousands; a hostile file, millions)."""
MAX_SUBJECT_CHARS = 2000
MAX_WARNINGS = 50
"""Warnings kept in the quality report; one more says how many were left out (a damaged file can give one
a page)."""
_NAME_LIST_CHARS = 100 * MAX_NAMES
"""Of the author and keyword strings, what is split into names: enough for MAX_NAMES long ones."""


class PdfParser(Protocol):
    """What the documents app needs of a parser; ``InProcessParser`` and ``SubprocessParser`` provide it."""

    def parse(
        self, path: str | PathLike[str], *, limits: Limits = DEFAULT_LIMITS, on_page: ProgressCallback | None = None
    ) -> ParsedDocument: ...


class InProcessParser:
    """Parses in the calling process: no memory cap, and a time limit only checked between pages.

    For files the project trusts (fixtures, its own exports) and for tests; uploads go to ``SubprocessParser``.
    """

    def parse(
        self, path: str | PathLike[str], *, limits: Limits = DEFAULT_LIMITS, on_page: ProgressCallback | None = None
    ) -> ParsedDocument:
        return parse_pdf(path, limits, on_page=on_page)


def parse_pdf(
    path: str | PathLike[str],
    limits: Limits = DEFAULT_LIMITS,
    *,
    on_page: ProgressCallback | None = None,
    primary: EngineOpener = PdfiumEngine.open,
    fallback: EngineOpener = PypdfEngine.open,
) -> ParsedDocument:
    """Parse the PDF at ``path`` with ``primary`` (pdfium), falling back to ``fallback`` (pypdf) for a file
    the primary cannot open and for each page where it finds (almost) no text.

    Raises ``ParseError``. Every other failure of the libraries -- pypdf raises AttributeError, KeyError,
    RecursionError and more on broken files -- becomes ``corrupt``, and running out of memory ``too_large``.
    """
    sha256 = _check_file(Path(path), limits)
    parse = _Parse(Path(path), limits, on_page, primary, fallback)
    try:
        with pypdf_limits(limits):
            return parse.run(sha256)
    except ParseError:
        raise
    except _CallerError as error:
        raise error.original from None
    except MemoryError:
        raise ParseError(ErrorCode.TOO_LARGE, "Reading the PDF needs more memory than allowed.") from None
    except pypdf.errors.LimitReachedError as error:
        raise ParseError(ErrorCode.TOO_LARGE, f"The PDF is over a reading limit: {error}") from None
    except RecursionError:
        raise ParseError(ErrorCode.CORRUPT, "The PDF's objects are nested too deeply to read.") from None
    except Exception as error:  # noqa: BLE001 -- the libraries raise anything on a broken file: all of it is "corrupt"
        raise ParseError(ErrorCode.CORRUPT, _say(f"The PDF cannot be read: {error}")) from None
    finally:
        parse.close()


def _check_file(path: Path, limits: Limits) -> str:
    """Size and header before any library sees the file: a video renamed to .pdf costs one read.

    Returns the file's SHA-256. An ``OSError`` (no such file) is the caller's problem and passes through.
    """
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise file_too_large(size, limits.max_file_bytes)
    digest = hashlib.sha256()
    with path.open("rb") as file:
        head = file.read(HEADER_WINDOW)
        if not _HEADER.search(head):
            raise ParseError(ErrorCode.NOT_A_PDF, "The file is not a PDF (no %PDF-n.n header).")
        digest.update(head)
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _CallerError(Exception):
    """Carries an exception raised by the caller's ``on_page`` past the library-error handling."""

    def __init__(self, original: BaseException) -> None:
        self.original = original


class _Reading(NamedTuple):
    """One engine's reading of one page, its text already cleaned."""

    content: PageContent
    text: str
    visible_chars: int
    extractor: str


def _worth_a_second_reading(reading: _Reading | None) -> bool:
    """Whether to ask the fallback engine: the page could not be read, or it shows text objects of which
    (almost) nothing came out -- fonts the engine could not map, as pdfium with some CJK CID fonts."""
    if reading is None:
        return True
    if reading.visible_chars >= MIN_VISIBLE_CHARS:
        return False
    text_objects = reading.content.text_objects
    return text_objects is None or text_objects > reading.visible_chars


def _say(message: str) -> str:
    """A message for people, safe to store: library errors may quote raw bytes of the file at length."""
    return clean_line(message, max_chars=300) or "unknown error"


class _Parse:
    """One parse: the engines it opened, and what it has found so far."""

    def __init__(
        self,
        path: Path,
        limits: Limits,
        on_page: ProgressCallback | None,
        primary: EngineOpener,
        fallback: EngineOpener,
    ) -> None:
        self.path = path
        self.limits = limits
        self.on_page = on_page
        self.deadline = time.monotonic() + limits.max_seconds
        self.open_primary = primary
        self.open_fallback: EngineOpener | None = fallback
        self.engines: list[PdfEngine] = []
        self.fallback: PdfEngine | None = None
        self.warnings: list[str] = []
        self.markup_annotations: int | None = 0

    def run(self, sha256: str) -> ParsedDocument:
        engine = self._open_engine()
        total = engine.page_count()
        if total > self.limits.max_pages:
            raise ParseError(
                ErrorCode.TOO_MANY_PAGES, f"The PDF has {total:,} pages; at most {self.limits.max_pages:,} are allowed."
            )
        if total < 1:
            raise ParseError(ErrorCode.CORRUPT, "The PDF has no pages.")
        self._report(0, total)
        raw_metadata = engine.metadata()
        outline = _within(self._outline(engine), total)

        pages: list[ParsedPage] = []
        text_chars = 0
        for index in range(total):
            if time.monotonic() > self.deadline:
                raise ParseError(ErrorCode.TIMEOUT, f"Parsing took longer than {self.limits.max_seconds:g} s.")
            page = self._page(engine, index)
            text_chars += len(page.text)
            if text_chars > self.limits.max_text_chars:
                raise ParseError(
                    ErrorCode.TOO_LARGE, f"The PDF holds more than {self.limits.max_text_chars:,} characters of text."
                )
            pages.append(page)
            self._report(index + 1, total)

        metadata = _metadata(raw_metadata)
        searched = [*raw_metadata.values(), *(page.text for page in pages[:IDENTIFIER_PAGES])]
        return ParsedDocument(
            metadata=metadata,
            page_count=total,
            outline=outline,
            pages=pages,
            doi=find_doi(searched),
            arxiv_id=find_arxiv_id(searched),
            sha256=sha256,
            quality=QualityReport(
                pages_without_text=[page.index for page in pages if not page.has_text_layer],
                pages_by_extractor=dict(Counter(page.extractor for page in pages)),
                warnings=_at_most(self.warnings, MAX_WARNINGS),
            ),
            markup_annotations=self.markup_annotations,
        )

    def close(self) -> None:
        for engine in self.engines:
            engine.close()

    def _open_engine(self) -> PdfEngine:
        try:
            engine = self.open_primary(self.path)
        except CannotOpen as error:
            engine_or_none = self._fallback()
            if engine_or_none is None:
                said = str(error).rstrip(". ")
                message = f"The PDF is damaged or incomplete and cannot be opened (the reader says: {said})."
                raise ParseError(ErrorCode.CORRUPT, _say(message)) from None
            self.warnings.append(_say(f"Read with {engine_or_none.name} only: the primary engine failed: {error}"))
            self.fallback = None  # it is the main engine now: there is nothing left to fall back to
            return engine_or_none
        self.engines.append(engine)
        return engine

    def _fallback(self) -> PdfEngine | None:
        """The fallback engine, opened on first use; None if there is none or it cannot read the file."""
        if self.fallback is None and self.open_fallback is not None:
            opener, self.open_fallback = self.open_fallback, None
            try:
                self.fallback = opener(self.path)
            except CannotOpen:
                return None
            self.engines.append(self.fallback)
        return self.fallback

    def _outline(self, engine: PdfEngine) -> list[OutlineItem]:
        """A broken outline is a nuisance, not a reason to reject the document."""
        try:
            return engine.outline(warnings=self.warnings)
        except (MemoryError, ParseError):
            raise
        except Exception as error:  # noqa: BLE001 -- see docstring
            self.warnings.append(_say(f"The outline was skipped: {error}"))
            return []

    def _page(self, engine: PdfEngine, index: int) -> ParsedPage:
        reading = self._read(engine, index)
        counted = reading.content.markup_annotations if reading is not None else None
        self.markup_annotations = (
            None if counted is None or self.markup_annotations is None else (self.markup_annotations + counted)
        )
        if _worth_a_second_reading(reading):
            fallback = self._fallback()
            second = self._read(fallback, index) if fallback is not None else None
            if second is not None and (reading is None or second.visible_chars > reading.visible_chars):
                reading = second
        if reading is None:
            raise ParseError(ErrorCode.CORRUPT, f"Page {index + 1} cannot be read.")
        return ParsedPage(
            index=index,
            text=reading.text,
            width=round(reading.content.width, 2),
            height=round(reading.content.height, 2),
            rotation=reading.content.rotation,
            has_text_layer=reading.visible_chars > 0,
            extractor=reading.extractor,
        )

    def _read(self, engine: PdfEngine, index: int) -> _Reading | None:
        """One engine's reading of one page, or None (and a warning) when that engine fails on it."""
        try:
            content = engine.page(index)
        except (MemoryError, ParseError):
            raise
        except Exception as error:  # noqa: BLE001 -- the other engine may still read the page
            self.warnings.append(_say(f"Page {index + 1}: {engine.name} failed: {error}"))
            return None
        text = clean_text(content.text)
        return _Reading(content, text, visible_char_count(text, at_most=MIN_VISIBLE_CHARS), engine.name)

    def _report(self, done: int, total: int) -> None:
        if self.on_page is None:
            return
        try:
            self.on_page(done, total)
        except BaseException as error:
            raise _CallerError(error) from error


def _at_most(warnings: list[str], count: int) -> list[str]:
    if len(warnings) <= count:
        return warnings
    return [*warnings[:count], f"… and {len(warnings) - count:,} more warnings."]


def _within(outline: list[OutlineItem], page_count: int) -> list[OutlineItem]:
    """The outline with page indices past the last page -- a broken or foreign destination -- set to None."""
    return [
        OutlineItem(
            title=item.title,
            page_index=item.page_index if item.page_index is not None and 0 <= item.page_index < page_count else None,
            children=_within(item.children, page_count),
        )
        for item in outline
    ]


# --- metadata --------------------------------------------------------------------------------------

# Tools that write the source file's name as the title: "amsclass.dvi", "Binder1.pdf", "paper.docx".
_FILE_NAME_TITLE = re.compile(r"^\S.*\.(?:dvi|pdf|ps|eps|tex|docx?|odt|rtf|pptx?|indd|qxd)$", re.IGNORECASE)
_LIST_SEPARATORS = re.compile(r"\s*[;,\n]\s*")
_NAME_SEPARATORS = re.compile(r"\s*;\s*|\s+(?:and|&)\s+", re.IGNORECASE)


def _metadata(raw: RawMetadata) -> DocumentMetadata:
    title = clean_line(raw.get("title"))
    return DocumentMetadata(
        title=None if title is None or _FILE_NAME_TITLE.match(title) else title,
        authors=_authors(clean_line(raw.get("author"), max_chars=_NAME_LIST_CHARS)),
        subject=clean_line(raw.get("subject"), max_chars=MAX_SUBJECT_CHARS),
        keywords=_unique(_LIST_SEPARATORS.split(clean_line(raw.get("keywords"), max_chars=_NAME_LIST_CHARS) or "")),
        created_at=parse_pdf_date(clean_line(raw.get("created"))),
        creator=clean_line(raw.get("creator")),
        producer=clean_line(raw.get("producer")),
    )


def _authors(value: str | None) -> list[str]:
    """``/Author`` is one free-form string. Split on ``;``, ``and`` and ``&``, and on commas only when every
    part is a full name: "Ada Lovelace, Alan Turing" is two authors, "Lovelace, Ada" is one."""
    if value is None:
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(value):
        pieces = [piece.strip() for piece in part.split(",")]
        filled = [piece for piece in pieces if piece]
        names.extend(filled if len(filled) > 1 and all(" " in piece for piece in filled) else [part])
    return _unique(names)


def _unique(values: Iterable[str]) -> list[str]:
    """Non-empty values, stripped and cut to a line's length, first occurrence kept, at most MAX_NAMES."""
    seen: dict[str, None] = {}
    for value in values:
        value = value.strip(" ,;")
        if value:
            seen.setdefault(shorten(value, MAX_LINE_CHARS), None)
            if len(seen) == MAX_NAMES:
                break
    return list(seen)

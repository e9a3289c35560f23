"""What the parser is given (``Limits``) and what it returns (``ParsedDocument`` and its parts).

Every string in a result has been cleaned (see ``cleaning``): no NUL, no lone surrogates, no other
control characters but tab and newline, so it can go straight into PostgreSQL.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

ProgressCallback = Callable[[int, int], None]
"""``on_page(pages_done, pages_total)``: called with ``(0, total)`` once the page count is known, then as
pages are done, ending with ``(total, total)``. From a child process, the pages done while the caller was
busy arrive as one call with the latest count. It runs in the caller's process and thread; keep it quick
(throttle what goes to browsers). What it raises reaches the caller unchanged and ends the parse."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one document may cost. Each one that is hit ends the parse with its own error code.

    pypdf's own limits are per stream or per call, so nothing in the libraries bounds a whole document:
    these do, and ``parse_in_subprocess`` enforces the time and memory ones from outside the parse.
    """

    max_pages: int = 5000
    max_text_chars: int = 50_000_000
    max_seconds: float = 120.0
    """Wall-clock budget for the whole document, start-up of its child process included."""
    max_memory_bytes: int = 1 << 30
    """Address-space cap of the child process (``RLIMIT_AS``); not enforced by the in-process parser."""
    max_file_bytes: int = 256 << 20
    max_stream_bytes: int = 64 << 20
    """Largest decoded stream pypdf may produce (its defaults are 75 MB per filter, far above any real page)."""


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class DocumentMetadata:
    """The document information dictionary, cleaned. Empty strings and placeholder values become None."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    subject: str | None = None
    keywords: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    """Timezone-aware; a PDF date without an offset is taken as UTC."""
    creator: str | None = None
    """The authoring tool (``LaTeX with hyperref``, ``Microsoft Word``)."""
    producer: str | None = None
    """The tool that wrote the PDF (``pdfTeX-1.40.24``, ``Skia/PDF``)."""


@dataclass(frozen=True, slots=True)
class OutlineItem:
    """One bookmark. ``page_index`` is 0-based, or None when its destination is missing or broken."""

    title: str
    page_index: int | None
    children: list["OutlineItem"] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """One page. ``width`` and ``height`` are the crop box in points as the PDF stores it, before ``rotation``
    (0, 90, 180 or 270, clockwise) is applied: a page shown in landscape may be a portrait box rotated by 90."""

    index: int
    text: str
    width: float
    height: float
    rotation: int
    has_text_layer: bool
    """False when the page has no extractable text: a scan without OCR, an image, or a blank page."""
    extractor: str
    """The library whose text was kept: ``pdfium``, or ``pypdf`` where pdfium found (almost) nothing."""


@dataclass(frozen=True, slots=True)
class QualityReport:
    """What a reader should know before annotating, and what an operator needs to debug an odd result."""

    pages_without_text: list[int] = field(default_factory=list)
    """0-based indices of pages with no text layer (scanned or blank): nothing there to select or search."""
    pages_by_extractor: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Things tolerated on the way (a broken outline, a page pdfium could not load)."""


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    metadata: DocumentMetadata
    page_count: int
    outline: list[OutlineItem]
    pages: list[ParsedPage]
    doi: str | None
    arxiv_id: str | None
    sha256: str
    quality: QualityReport
    markup_annotations: int | None = None
    """Highlight-like and note annotations in the file (the ones ``embedded`` reads for import); None when
    a page was read without counting them (by the fallback engine), so whether there are any is unknown."""

    @property
    def text_chars(self) -> int:
        return sum(len(page.text) for page in self.pages)

"""The PDF parser: pure (no Django, no ORM), behind the small ``PdfParser`` protocol, raising ``ParseError``.

Uploads are parsed with ``parse_in_subprocess`` (or a ``SubprocessParser``), which isolates each document
in a resource-capped child process; ``parse_pdf`` / ``InProcessParser`` parse in the calling process, for
trusted files and tests. The modules, in reading order: ``results`` and ``errors`` (what goes in and out),
``parser`` (the parse), ``engines`` (pdfium and pypdf), ``isolation`` and ``child`` (the sandbox), ``wire``,
``lanes`` (how many sandboxed reads a machine runs at once).
The same sandbox runs the other work on users' files: ``embedded`` (the annotations inside a PDF, read
for import) and ``annotating`` (an annotated copy written for export, ``annotate_in_subprocess``).
"""

from .annotating import PdfMark
from .embedded import EmbeddedAnnotation
from .engines import PdfEngine, PdfiumEngine, PypdfEngine
from .errors import ErrorCode, ParseError
from .isolation import (
    ParserUnavailable,
    SubprocessParser,
    annotate_in_subprocess,
    default_parser,
    parse_in_subprocess,
    quote_rects_in_subprocess,
    read_annotations_in_subprocess,
)
from .lanes import Lanes, use_lanes
from .parser import InProcessParser, PdfParser, parse_pdf
from .rects import QuoteQuery, Rects
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

__all__ = [
    "DEFAULT_LIMITS",
    "DocumentMetadata",
    "EmbeddedAnnotation",
    "ErrorCode",
    "InProcessParser",
    "Lanes",
    "Limits",
    "OutlineItem",
    "ParseError",
    "ParsedDocument",
    "ParsedPage",
    "ParserUnavailable",
    "PdfEngine",
    "PdfMark",
    "PdfParser",
    "PdfiumEngine",
    "ProgressCallback",
    "PypdfEngine",
    "QualityReport",
    "QuoteQuery",
    "Rects",
    "SubprocessParser",
    "annotate_in_subprocess",
    "default_parser",
    "parse_in_subprocess",
    "parse_pdf",
    "quote_rects_in_subprocess",
    "read_annotations_in_subprocess",
    "use_lanes",
]

"""The PDF parser: pure (no Django, no ORM), behind the small ``PdfParser`` protocol, raising ``ParseError``.

Uploads are parsed with ``parse_in_subprocess`` (or a ``SubprocessParser``), which isolates each document
in a resource-capped child process; ``parse_pdf`` / ``InProcessParser`` parse in the calling process, for
trusted files and tests. The modules, in reading order: ``results`` and ``errors`` (what goes in and out),
``parser`` (the parse), ``engines`` (pdfium and pypdf), ``isolation`` and ``child`` (the sandbox), ``wire``.
"""

from .embedded import EmbeddedAnnotation
from .engines import PdfEngine, PdfiumEngine, PypdfEngine
from .errors import ErrorCode, ParseError
from .isolation import (
    ParserUnavailable,
    SubprocessParser,
    default_parser,
    parse_in_subprocess,
    read_annotations_in_subprocess,
)
from .parser import InProcessParser, PdfParser, parse_pdf
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
    "Limits",
    "OutlineItem",
    "ParseError",
    "ParsedDocument",
    "ParsedPage",
    "ParserUnavailable",
    "PdfEngine",
    "PdfParser",
    "PdfiumEngine",
    "ProgressCallback",
    "PypdfEngine",
    "QualityReport",
    "SubprocessParser",
    "default_parser",
    "parse_in_subprocess",
    "parse_pdf",
    "read_annotations_in_subprocess",
]

"""The one exception the parser raises, and its stable codes.

The codes are stored on the document and shown to its uploader, so they never change meaning; add a new
code rather than widening an old one.
"""

from enum import StrEnum

from core.sizes import readable_size


class ErrorCode(StrEnum):
    NOT_A_PDF = "not_a_pdf"
    """No ``%PDF-`` header within the first 1024 bytes: not a PDF at all."""
    ENCRYPTED = "encrypted"
    """Needs a password (the empty user password was tried)."""
    TOO_MANY_PAGES = "too_many_pages"
    """More pages than ``Limits.max_pages``."""
    CORRUPT = "corrupt"
    """Neither pdfium nor pypdf can read it, or reading it crashed the child process."""
    TIMEOUT = "timeout"
    """The whole-document time budget (``Limits.max_seconds``) ran out."""
    TOO_LARGE = "too_large"
    """The file, its extracted text or the memory needed to read it is over a limit."""


class ParseError(Exception):
    """The document cannot be parsed, for a reason ``code`` names; ``message`` is for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type["ParseError"], tuple[ErrorCode, str]]:
        # Celery pickles exceptions that escape a task; the default would call __init__ with one argument.
        return (ParseError, (self.code, self.message))


def file_too_large(size: int, allowed: int) -> ParseError:
    return ParseError(
        ErrorCode.TOO_LARGE, f"The file is {readable_size(size)}; at most {readable_size(allowed)} allowed."
    )

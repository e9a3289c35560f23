"""File names that are safe in headers and on disk."""

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]+')


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266), never breaking the header."""
    cleaned = _UNSAFE.sub("_", filename).strip() or "document.pdf"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode() or "document.pdf"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned, safe='')}"

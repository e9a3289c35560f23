"""PDF dates (ISO 32000-1 §7.9.4) as producers actually write them.

The standard form is ``D:YYYYMMDDHHmmSSOHH'mm'`` with everything after the year optional. Seen in real
files besides: no ``D:`` prefix, ``Z00'00'``, a missing or trailing apostrophe, an offset without minutes,
ISO 8601 copied from XMP, and garbage. Anything that is not a real instant gives None, never an error.
"""

import re
from datetime import UTC, datetime, timedelta, timezone

_PDF_DATE = re.compile(
    r"""
    ^\s*(?:D\s*:\s*)?
    (?P<year>\d{4})(?P<month>\d{2})?(?P<day>\d{2})?
    (?P<hour>\d{2})?(?P<minute>\d{2})?(?P<second>\d{2})?
    \s*(?:
        (?P<utc>[Zz])(?:00'?(?:00'?)?)?
      | (?P<sign>[+-])(?P<tz_hour>\d{2})(?:'?(?P<tz_minute>\d{2}))?'?
    )?\s*$
    """,
    re.VERBOSE,
)


def parse_pdf_date(raw: str | None) -> datetime | None:
    """The instant ``raw`` names, timezone-aware (UTC when the date carries no offset), or None."""
    if not raw:
        return None
    match = _PDF_DATE.match(raw)
    if match is None:
        return _parse_iso(raw)
    part = match.groupdict()
    offset = timedelta(hours=int(part["tz_hour"] or 0), minutes=int(part["tz_minute"] or 0))
    if part["sign"] == "-":
        offset = -offset
    try:
        return datetime(
            int(part["year"]),
            int(part["month"] or 1),
            int(part["day"] or 1),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            tzinfo=timezone(offset) if offset else UTC,
        )
    except ValueError:  # month 13, hour 25, offset of a day or more
        return None


def _parse_iso(raw: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

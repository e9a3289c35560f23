"""The JSON that crosses the process boundary: results out of the parsing child, and its progress events.

JSON and not pickle on purpose: the child reads hostile files, and unpickling what a subverted child wrote
would run its code in the worker. Decoding here only ever builds the result dataclasses.
"""

import json
from dataclasses import asdict, fields, replace
from datetime import datetime
from typing import Any

from .annotating import PdfMark
from .embedded import EmbeddedAnnotation
from .errors import ErrorCode, ParseError
from .rects import QuoteQuery, Rects
from .results import DocumentMetadata, Limits, OutlineItem, ParsedDocument, ParsedPage, QualityReport


def encode(payload: dict[str, Any]) -> bytes:
    """One line of the protocol, in ASCII: JSON escapes the rest, which is twice as fast as writing UTF-8
    for a paper's text (Python builds the whole line as one string first, and one character outside
    Latin-1 makes every character of it take 2 or 4 bytes)."""
    return json.dumps(payload, separators=(",", ":"), default=_default).encode("ascii") + b"\n"


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of the wire format")


_PAGE_FIELDS = tuple(field.name for field in fields(ParsedPage))


def document_to_wire(document: ParsedDocument) -> dict[str, Any]:
    """The pages as arrays of their fields in ``_PAGE_FIELDS`` order: a paper has hundreds, and their
    keys would be most of what is not text."""
    pages = document.pages
    wire = asdict(replace(document, pages=[]))
    wire["pages"] = [[getattr(page, name) for name in _PAGE_FIELDS] for page in pages]
    return wire


def error_to_wire(error: ParseError) -> dict[str, str]:
    return {"code": error.code.value, "message": error.message}


def limits_to_wire(limits: Limits) -> dict[str, Any]:
    return asdict(limits)


def limits_from_wire(data: dict[str, Any]) -> Limits:
    return Limits(**data)


def error_from_wire(data: dict[str, Any]) -> ParseError:
    return ParseError(ErrorCode(data["code"]), str(data["message"]))


def document_from_wire(data: dict[str, Any]) -> ParsedDocument:
    metadata = data["metadata"]
    quality = data["quality"]
    created_at = metadata["created_at"]
    return ParsedDocument(
        metadata=DocumentMetadata(
            title=metadata["title"],
            authors=list(metadata["authors"]),
            subject=metadata["subject"],
            keywords=list(metadata["keywords"]),
            created_at=datetime.fromisoformat(created_at) if created_at else None,
            creator=metadata["creator"],
            producer=metadata["producer"],
        ),
        page_count=int(data["page_count"]),
        outline=[_outline_from_wire(item) for item in data["outline"]],
        pages=[ParsedPage(*page) for page in data["pages"]],
        doi=data["doi"],
        arxiv_id=data["arxiv_id"],
        sha256=data["sha256"],
        quality=QualityReport(
            pages_without_text=list(quality["pages_without_text"]),
            pages_by_extractor=dict(quality["pages_by_extractor"]),
            warnings=list(quality["warnings"]),
        ),
        markup_annotations=_int_or_none(data["markup_annotations"]),
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _outline_from_wire(data: dict[str, Any]) -> OutlineItem:
    return OutlineItem(
        title=data["title"],
        page_index=data["page_index"],
        children=[_outline_from_wire(child) for child in data["children"]],
    )


def annotations_to_wire(annotations: list[EmbeddedAnnotation]) -> list[dict[str, Any]]:
    return [asdict(annotation) for annotation in annotations]


def annotations_from_wire(data: list[dict[str, Any]]) -> list[EmbeddedAnnotation]:
    return [
        EmbeddedAnnotation(
            page_index=int(item["page_index"]),
            subtype=str(item["subtype"]),
            rects=[[float(number) for number in rect] for rect in item["rects"]],
            contents=str(item["contents"]),
            rgb=[float(number) for number in item["rgb"]] if item["rgb"] is not None else None,
            name=str(item["name"]),
            text_under=str(item["text_under"]),
            near=int(item["near"]) if item["near"] is not None else None,
        )
        for item in data
    ]


def quotes_to_wire(queries: list[QuoteQuery]) -> list[dict[str, Any]]:
    return [asdict(query) for query in queries]


def quotes_from_wire(data: list[dict[str, Any]]) -> list[QuoteQuery]:
    return [
        QuoteQuery(
            page_index=int(item["page_index"]),
            exact=str(item["exact"]),
            prefix=str(item["prefix"]),
            suffix=str(item["suffix"]),
        )
        for item in data
    ]


def rects_from_wire(data: list[Any]) -> list[Rects | None]:
    return [None if item is None else [[float(number) for number in rect][:4] for rect in item] for item in data]


def marks_to_wire(marks: list[PdfMark]) -> list[dict[str, Any]]:
    return [asdict(mark) for mark in marks]


def marks_from_wire(data: list[dict[str, Any]]) -> list[PdfMark]:
    return [
        PdfMark(
            page_index=int(item["page_index"]),
            kind=str(item["kind"]),
            rects=[[float(number) for number in rect][:4] for rect in item["rects"]],
            point=[float(number) for number in item["point"]][:2] if item["point"] is not None else None,
            rgb=[float(number) for number in item["rgb"]][:3],
            contents=str(item["contents"]),
            author=str(item["author"]),
            name=str(item["name"]),
            created=str(item["created"]),
            modified=str(item["modified"]),
        )
        for item in data
    ]


def written_from_wire(data: Any) -> int:
    return int(data["written"])

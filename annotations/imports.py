"""Annotations made elsewhere, brought in: W3C Web Annotation JSON-LD (as ``exports`` writes it) and
the highlight, underline and note annotations already inside an uploaded PDF (Acrobat, Zotero, Preview).

Both are idempotent. An imported annotation keeps where it came from in ``source`` (unique per
document), so importing the same file or collection again adds nothing; JSON-LD of this very document
(ids that exist here) is skipped, and a PDF's annotations that we wrote ourselves (``/NM`` is one of our
URNs) are never read back in.
"""

import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from accounts.models import User
from core.exceptions import ApplicationError
from documents.models import Document, Page
from documents.parsing import EmbeddedAnnotation
from teams.models import Membership

from . import services
from .exports import ANNOTATION_URN, PALETTE_RGB, REPLY_URN
from .models import BODY_MAX_LENGTH, DEFAULT_COLOR, Annotation, Reply

logger = logging.getLogger(__name__)

QUOTE_CONTEXT = 32  # characters of prefix and suffix kept around an imported quote
MAX_IMPORT_ITEMS = 5_000
_PAGE_FRAGMENT = re.compile(r"page=(\d+)")


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    replies_created: int = 0
    replies_skipped: int = 0


# --- JSON-LD -------------------------------------------------------------------------------------


@dataclass
class _Item:
    source: str
    fields: dict[str, Any]
    resolved_at: datetime | None
    replies: list[tuple[str, str]] = field(default_factory=list)  # (source id, body)


def _items(data: Any) -> list[Any]:
    """The annotations of a collection, a page, a list or a single annotation."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise ApplicationError("Expected W3C Web Annotation JSON-LD.", code="invalid_jsonld")
    kind = data.get("type")
    if kind == "AnnotationCollection":
        first = data.get("first") or {}
        return list(first.get("items") or []) if isinstance(first, dict) else []
    if kind == "AnnotationPage":
        return list(data.get("items") or [])
    if kind == "Annotation":
        return [data]
    raise ApplicationError(
        "Expected an AnnotationCollection, an AnnotationPage or an Annotation.", code="invalid_jsonld"
    )


def _body_text(body: Any) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "\n\n".join(text for text in (_body_text(part) for part in body) if text)
    if isinstance(body, dict) and body.get("type", "TextualBody") == "TextualBody":
        value = body.get("value", "")
        return value if isinstance(value, str) else ""
    return ""


def _target_id(target: Any) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, dict):
        return str(target.get("id") or target.get("source") or "")
    return ""


def _selector_list(target: Any) -> list[dict[str, Any]]:
    selectors = target.get("selector", []) if isinstance(target, dict) else []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    return [selector for selector in selectors if isinstance(selector, dict)]


def _annotation_fields(item: dict[str, Any]) -> dict[str, Any]:
    """What ``annotation_create`` takes, read from one annotation (not yet validated)."""
    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else {}
    target = target if isinstance(target, dict) else {}
    anchors: dict[str, Any] = {}
    page_index = 0
    for selector in _selector_list(target):
        if selector.get("type") == "TextQuoteSelector":
            anchors["quote"] = {name: selector.get(name, "") for name in ("exact", "prefix", "suffix")}
        elif selector.get("type") == "TextPositionSelector":
            anchors["position"] = {"start": selector.get("start"), "end": selector.get("end")}
        elif selector.get("type") == "FragmentSelector":
            match = _PAGE_FRAGMENT.search(str(selector.get("value", "")))
            if match:
                page_index = max(int(match.group(1)) - 1, 0)
    for key, name in (("scrollkeeper:rects", "rects"), ("scrollkeeper:point", "point")):
        if key in target:
            anchors[name] = target[key]
    if "scrollkeeper:pageEnd" in target:
        anchors["page_end"] = target["scrollkeeper:pageEnd"]
    continued = target.get("scrollkeeper:continued")
    if isinstance(continued, list):
        anchors["continued"] = [
            {"page_index": part.get("scrollkeeper:pageIndex"), "rects": part.get("scrollkeeper:rects")}
            if isinstance(part, dict)
            else part
            for part in continued
        ]
    kind = item.get("scrollkeeper:kind")
    if kind not in Annotation.Kind.values:
        if "point" in anchors:
            kind = Annotation.Kind.NOTE
        elif "quote" in anchors and "position" in anchors:
            kind = Annotation.Kind.HIGHLIGHT
        else:
            kind = Annotation.Kind.AREA
    return {
        "kind": kind,
        "page_index": page_index,
        "anchors": anchors,
        "color": item.get("scrollkeeper:color") or DEFAULT_COLOR,
        "body": _body_text(item.get("body")),
        "visibility": item.get("scrollkeeper:visibility") or Annotation.Visibility.TEAM,
    }


def jsonld_read(data: Any) -> list[_Item]:
    """The annotations of ``data`` with their replies, validated as the create endpoint validates.
    Raises ApplicationError (400) naming the first bad item; nothing is written."""
    from .api.serializers import AnnotationCreateIn  # the one definition of a valid annotation

    raw = _items(data)
    if len(raw) > MAX_IMPORT_ITEMS:
        raise ApplicationError(f"At most {MAX_IMPORT_ITEMS} annotations at a time.", code="too_many_items")
    items: dict[str, _Item] = {}
    replies: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or item.get("type") != "Annotation" or not isinstance(item.get("id"), str):
            raise ApplicationError(f"Item {index} is not an Annotation with an id.", code="invalid_jsonld")
        if item.get("motivation") == "replying":
            replies.append((index, item))
            continue
        serializer = AnnotationCreateIn(data=_annotation_fields(item))
        if not serializer.is_valid():
            raise ApplicationError(
                f"Item {index} ({item['id']}) is not a valid annotation.",
                code="invalid_jsonld",
                fields=dict(_flat_errors(serializer.errors, f"items.{index}")),
            )
        fields = dict(serializer.validated_data)
        if fields["kind"] == Annotation.Kind.NOTE and not fields["body"].strip():
            raise ApplicationError(f"Item {index} ({item['id']}) is a note without text.", code="invalid_jsonld")
        items[item["id"]] = _Item(
            source=item["id"][:200], fields=fields, resolved_at=_datetime(item.get("scrollkeeper:resolved"))
        )
    for index, reply in replies:
        parent = items.get(_target_id(reply.get("target")))
        body = _body_text(reply.get("body"))
        if parent is None or not body.strip() or len(body) > BODY_MAX_LENGTH:
            raise ApplicationError(
                f"Reply {index} ({reply['id']}) answers no annotation of this collection, or its body is "
                f"empty or longer than {BODY_MAX_LENGTH} characters.",
                code="invalid_jsonld",
            )
        parent.replies.append((reply["id"][:200], body))
    return list(items.values())


def _flat_errors(errors: Any, prefix: str) -> Iterator[tuple[str, list[str]]]:
    """DRF's nested errors as ``{"items.3.anchors.quote": ["..."]}``, the shape of ``fields``."""
    if isinstance(errors, dict):
        for name, value in errors.items():
            yield from _flat_errors(value, f"{prefix}.{name}")
    elif isinstance(errors, list) and errors and all(isinstance(error, str) for error in errors):
        yield prefix, [str(error) for error in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            yield from _flat_errors(value, f"{prefix}.{index}")
    else:
        yield prefix, [str(errors)]


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _own_id(urn: str, prefix: str) -> UUID | None:
    if not urn.startswith(prefix):
        return None
    try:
        return UUID(urn.removeprefix(prefix))
    except ValueError:
        return None


@transaction.atomic
def annotations_import_jsonld(*, actor: Membership, document_id: UUID | str, data: Any) -> ImportResult:
    """Create the annotations and replies of ``data`` on the document, attributed to ``actor``.

    Skipped: an annotation whose id is one of this document's annotations (its own export coming back)
    or that an earlier import brought here; likewise replies. Nothing is added to another member's
    private annotation (its thread is theirs alone). Kinds need their usual permission.
    Colours, quotes, positions, rectangles, bodies, visibility and the resolved state are kept.
    """
    items = jsonld_read(data)
    document = Document.objects.select_for_update().get(
        pk=services._ready_document(actor, document_id).pk
    )  # one import of a document at a time: the skip checks below stay true until commit
    result = ImportResult()
    for kind in {item.fields["kind"] for item in items}:
        services._require(actor, services.KIND_PERMISSIONS[Annotation.Kind(kind)])
    sources = [item.source for item in items]
    own_ids = [pk for pk in (_own_id(source, ANNOTATION_URN) for source in sources) if pk]
    on_document = Annotation.objects.filter(Q(pk__in=own_ids) | Q(source__in=sources), document=document)
    by_id = {annotation.pk: annotation for annotation in on_document}
    by_source = {annotation.source: annotation for annotation in by_id.values() if annotation.source}
    reply_sources = [source for item in items for source, _ in item.replies]
    replies_here = {
        str(pk)
        for pk in Reply.objects.filter(
            annotation__document=document,
            pk__in=[pk for pk in (_own_id(s, REPLY_URN) for s in reply_sources) if pk],
        ).values_list("pk", flat=True)
    }
    replies_here |= set(
        Reply.objects.filter(annotation__document=document, source__in=reply_sources).values_list("source", flat=True)
    )
    for item in items:
        own = _own_id(item.source, ANNOTATION_URN)
        existing = (by_id.get(own) if own else None) or by_source.get(item.source)
        if existing is not None:
            result.skipped += 1
            annotation = existing
            if annotation.visibility == Annotation.Visibility.PRIVATE and annotation.author_id != actor.user_id:
                # Someone else's private thread: it exists for its author alone, so nothing is added to it.
                result.replies_skipped += len(item.replies)
                continue
        else:
            fields = item.fields
            last_page = max(fields["page_index"], fields["anchors"].get("page_end", fields["page_index"]))
            if document.pages_total is not None and last_page >= document.pages_total:
                raise ApplicationError(
                    f"An annotation of {item.source} is on page {last_page + 1}; the document has "
                    f"{document.pages_total}.",
                    code="page_out_of_range",
                )
            annotation = Annotation.objects.create(
                team=actor.team,
                document=document,
                author=actor.user,
                source=item.source,
                anchor_version=document.version,
                resolved_at=item.resolved_at,
                resolved_by=actor.user if item.resolved_at else None,
                mentions=services.mentions_parse(actor=actor, text=fields["body"]),
                **fields,
            )
            result.created += 1
        new_replies = []
        for source, body in item.replies:
            if source in replies_here or str(_own_id(source, REPLY_URN)) in replies_here:
                result.replies_skipped += 1
                continue
            new_replies.append(
                Reply.objects.create(
                    annotation=annotation,
                    author=actor.user,
                    body=body,
                    source=source,
                    mentions=services.mentions_parse(actor=actor, text=body),
                )
            )
            result.replies_created += 1
        if existing is None:
            services._send(annotation, services._annotation_event(annotation, "annotation.created"))
        elif new_replies:
            services._touch(annotation)
            for reply in new_replies:
                services._send(annotation, services._reply_event(annotation, reply, "reply.created"))
    return result


# --- annotations inside a PDF ----------------------------------------------------------------------

NOTE_SUBTYPES = {"/Text", "/FreeText"}


def _source(item: EmbeddedAnnotation) -> str:
    """Where an imported annotation came from: its /NM, else a digest of what it is."""
    if item.name:
        return f"pdf:{item.name}"[:200]
    key = f"{item.page_index}|{item.subtype}|{item.rects}|{item.contents}".encode()
    return f"pdf:{item.page_index}:{hashlib.sha256(key).hexdigest()[:32]}"


def nearest_palette_color(rgb: Sequence[float] | None) -> str:
    """The palette colour nearest to a PDF /C (gray, RGB or CMYK, components 0..1)."""
    if not rgb:
        return DEFAULT_COLOR
    if len(rgb) == 1:
        rgb = (rgb[0], rgb[0], rgb[0])
    elif len(rgb) == 4:
        c, m, y, k = rgb
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    elif len(rgb) != 3:
        return DEFAULT_COLOR
    return min(PALETTE_RGB, key=lambda name: sum((a - b) ** 2 for a, b in zip(PALETTE_RGB[name], rgb, strict=True)))


def quote_anchor(page_text: str, quote: str, *, near: int | None = None) -> dict[str, Any] | None:
    """``quote`` and ``position`` selectors for ``quote`` in ``page_text`` (any run of whitespace matching
    any other), at the occurrence nearest to ``near`` (else the first); None when it is not there."""
    words = quote.split()
    if not words:
        return None
    spans = [match.span() for match in re.finditer(r"\s+".join(re.escape(word) for word in words), page_text)]
    if not spans:
        return None
    start, end = min(spans, key=lambda span: abs(span[0] - near)) if near is not None else spans[0]
    return {
        "quote": {
            "exact": page_text[start:end],
            "prefix": page_text[max(0, start - QUOTE_CONTEXT) : start],
            "suffix": page_text[end : end + QUOTE_CONTEXT],
        },
        "position": {"start": start, "end": end},
    }


def _annotation_from_pdf(item: EmbeddedAnnotation, page_text: str | None) -> dict[str, Any] | None:
    """The fields of the Scrollkeeper annotation for ``item``, or None if it makes none (an empty note)."""
    color = nearest_palette_color(item.rgb)
    if item.subtype in NOTE_SUBTYPES:
        if not item.contents.strip():
            return None
        x1, _, _, y2 = item.rects[0]
        return {"kind": Annotation.Kind.NOTE, "anchors": {"point": [x1, y2]}, "color": color, "body": item.contents}
    anchors: dict[str, Any] = {"rects": item.rects}
    if page_text is not None:
        found = quote_anchor(page_text, item.text_under, near=item.near)
        if found is not None:
            anchors.update(found)
    # Without text under it (a scan, or the words moved) it is kept as an area mark with its comment.
    kind = Annotation.Kind.HIGHLIGHT if "quote" in anchors else Annotation.Kind.AREA
    return {"kind": kind, "anchors": anchors, "color": color, "body": item.contents}


def annotations_import_from_pdf(*, document: Document, path: str, uploader: User) -> int:
    """Turn the annotations inside the document's PDF (at ``path``) into team-visible annotations by
    ``uploader``; the number created. Precondition: the document is parsed (its page text is stored).
    Rerunning adds nothing; annotations that we wrote into an exported PDF are skipped.

    The file is read in the parser's sandbox (a child process under the parse limits): its annotation
    dictionaries are as hostile as its pages. Raises ``ParseError`` or ``ParserUnavailable`` from there.
    """
    from documents.parsing import read_annotations_in_subprocess
    from documents.services import parse_limits

    embedded = read_annotations_in_subprocess(path, parse_limits(max_pages=document.pages_total or 0))
    return _annotations_store_embedded(document=document, embedded=embedded, uploader=uploader)


@transaction.atomic
def _annotations_store_embedded(*, document: Document, embedded: list[EmbeddedAnnotation], uploader: User) -> int:
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None:
        return 0  # deleted while its file was being read
    document = locked
    known = set(Annotation.objects.filter(document=document).exclude(source="").values_list("source", flat=True))
    pages_total = document.pages_total or 0
    page_texts: dict[int, str] = {}
    created: list[Annotation] = []
    for item in embedded:
        if len(created) >= settings.ANNOTATIONS_IMPORT_PDF_MAX:
            logger.warning("document %s: stopped importing at %d annotations", document.pk, len(created))
            break
        source = _source(item)
        if item.name.startswith(ANNOTATION_URN) or source in known or item.page_index >= pages_total:
            continue
        if item.page_index not in page_texts:
            page = Page.objects.filter(document=document, index=item.page_index).only("text").first()
            page_texts[item.page_index] = page.text if page is not None else ""
        fields = _annotation_from_pdf(item, page_texts[item.page_index] or None)
        if fields is None:
            continue
        known.add(source)
        created.append(
            Annotation.objects.create(
                team_id=document.team_id,
                document=document,
                page_index=item.page_index,
                author=uploader,
                visibility=Annotation.Visibility.TEAM,
                source=source,
                anchor_version=document.version,
                body=fields.pop("body")[:BODY_MAX_LENGTH],
                **fields,
            )
        )
    for annotation in created:
        services._send(annotation, services._annotation_event(annotation, "annotation.created"))
    return len(created)

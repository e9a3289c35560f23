"""Carrying annotations over to a new version of a document's file. Writes annotations, so it is a
service module (as ``imports``); the matching itself is pure and lives in ``anchoring``.

When a new version's parse is stored (``document_parsed``), every annotation still anchored to an earlier
version is placed on the new text:

- a highlight (anything with a ``quote``) where its quote is now (``anchoring.place_quote``: exact, then
  fuzzy), with its position, page, quote and context rewritten, and its rectangles found again by pdfium
  in the new file (in the sandboxed child process, as every read of a user's file);
- a note or an area on the same page, if the new version still has that page.

What cannot be placed is ``orphaned``: kept with the anchors of the version it was last placed on
(``anchor_version``), listed apart by the reader, still open to replies, never deleted. A later version
tries it again. Every annotation that changes gets a new ``version`` and ``updated_at`` and goes out as
``annotation.updated``, to the team or, if private, to its author alone.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from documents.models import Document, Page
from documents.parsing import QuoteQuery, Rects

from . import services
from .anchoring import DocumentText, Placement, place_quote, place_span
from .models import MAX_SPAN_PAGES, AnchorStatus, Annotation

logger = logging.getLogger(__name__)

RectLocator = Callable[[Document, list[QuoteQuery]], list[Rects | None]]
"""Finds the rectangles of quotes in the document's current file (``tasks`` runs pdfium in the sandbox)."""


@dataclass
class ReanchorResult:
    moved: list[str] = field(default_factory=list)
    """Placed on the new version (whether or not anything about them changed)."""
    fuzzy: list[str] = field(default_factory=list)
    """Of ``moved``, those whose quote was found only approximately."""
    orphaned: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    annotation_id: UUID
    placed: bool
    page_index: int
    anchors: dict[str, Any]
    placement: Placement | None = None


def annotations_reanchor(*, document_id: UUID | str, locate_rects: RectLocator) -> ReanchorResult:
    """Place the document's annotations anchored to earlier versions on its current one. Idempotent;
    nothing to do for a deleted document or one not ready. The text is matched before the transaction,
    pdfium runs outside it; if another version arrives meanwhile, nothing is written (its own parse
    re-anchors)."""
    result = ReanchorResult()
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.state != Document.State.READY:
        return result
    stale = list(
        Annotation.objects.filter(document=document, anchor_version__lt=document.version).values(
            "id", "kind", "page_index", "anchors"
        )
    )
    if not stale:
        return result
    text = DocumentText(list(Page.objects.filter(document=document).values_list("index", "text")))
    pages_total = document.pages_total or 0
    plans = [_plan(dict(row), text, pages_total) for row in stale]

    wanted = [
        (plan, on_first_page, query)
        for plan in plans
        if plan.placement is not None
        for on_first_page, query in _rect_queries(plan.placement)
    ]
    if wanted:
        rects = locate_rects(document, [query for _, _, query in wanted])
        for (plan, on_first_page, query), found in zip(wanted, rects, strict=True):
            if on_first_page and found:
                plan.anchors["rects"] = found
            elif on_first_page:  # no text layer under it in pdfium's view: the sidebar lists it, nothing is drawn
                plan.anchors.pop("rects", None)
            elif found:  # the part on the last page of a highlight over a page break
                plan.anchors["continued"] = [{"page_index": query.page_index, "rects": found}]

    with transaction.atomic():
        current = Document.objects.select_for_update().filter(pk=document.pk).first()
        if current is None or current.version != document.version or current.state != Document.State.READY:
            return result
        locked = {
            annotation.pk: annotation
            for annotation in Annotation.objects.select_for_update()
            .filter(pk__in=[plan.annotation_id for plan in plans], anchor_version__lt=document.version)
            .order_by("pk")
        }
        for plan in plans:
            annotation = locked.get(plan.annotation_id)
            if annotation is None:
                continue  # deleted meanwhile
            if plan.placed:
                result.moved.append(str(annotation.pk))
                if plan.placement is not None and plan.placement.fuzzy:
                    result.fuzzy.append(str(annotation.pk))
            else:
                result.orphaned.append(str(annotation.pk))
            _apply(annotation, plan, document.version)
    logger.info(
        "document %s v%d: %d annotations placed (%d approximately), %d orphaned",
        document.pk,
        document.version,
        len(result.moved),
        len(result.fuzzy),
        len(result.orphaned),
    )
    return result


def documents_with_stale_anchors(*, older_than: timedelta) -> list[UUID]:
    """Documents whose re-anchoring did not happen: ready for longer than ``older_than`` with annotations
    still on an earlier version's text (the task was lost with the broker, or gave up). The periodic
    sweep queues them again; until then the reader lists those annotations apart and exports leave them
    out."""
    cutoff = timezone.now() - older_than
    stale = Annotation.objects.filter(
        anchor_version__lt=F("document__version"),
        document__state=Document.State.READY,
        document__parsed_at__lt=cutoff,
    )
    return list(stale.values_list("document_id", flat=True).distinct())


def _plan(row: dict[str, Any], text: DocumentText, pages_total: int) -> _Plan:
    anchors: dict[str, Any] = dict(row["anchors"] or {})
    quote = anchors.get("quote")
    if isinstance(quote, dict) and quote.get("exact"):
        exact, prefix, suffix = str(quote["exact"]), str(quote.get("prefix", "")), str(quote.get("suffix", ""))
        placement = None
        parts = _first_and_last_page_parts(exact, anchors, row["page_index"])
        if parts is not None:
            placement = place_span(
                text, head=parts[0], tail=parts[1], prefix=prefix, suffix=suffix,
                page_hint=row["page_index"], max_pages=MAX_SPAN_PAGES,
            )  # fmt: skip
        if placement is None:
            placement = place_quote(text, exact=exact, prefix=prefix, suffix=suffix, page_hint=row["page_index"])
        if placement is None:
            return _Plan(row["id"], placed=False, page_index=row["page_index"], anchors=anchors)
        anchors["quote"] = {"exact": placement.exact, "prefix": placement.prefix, "suffix": placement.suffix}
        anchors["position"] = {"start": placement.start, "end": placement.end}
        # Where it runs onto the next page(s) is found again too (the rectangles, by the caller).
        anchors.pop("continued", None)
        if placement.page_end != placement.page_index:
            anchors["page_end"] = placement.page_end
        else:
            anchors.pop("page_end", None)
        return _Plan(row["id"], placed=True, page_index=placement.page_index, anchors=anchors, placement=placement)
    # A note or an area: it stays on its page, if the page is still there.
    last_page = max(row["page_index"], int(anchors.get("page_end", row["page_index"])))
    return _Plan(row["id"], placed=last_page < pages_total, page_index=row["page_index"], anchors=anchors)


def _first_and_last_page_parts(exact: str, anchors: dict[str, Any], page_index: int) -> tuple[str, str] | None:
    """A highlight over three or more pages: the parts of its quote on its first and last pages (the quote
    holds only those, joined by a line break; ``position.end`` is the last part's length). None otherwise:
    over one or two pages, the quote is the whole text and is placed as it is."""
    page_end, position = anchors.get("page_end"), anchors.get("position")
    if not isinstance(page_end, int) or page_end - page_index < 2 or not isinstance(position, dict):
        return None
    tail_length = position.get("end")
    if not isinstance(tail_length, int) or not 0 < tail_length < len(exact) or exact[-tail_length - 1] != "\n":
        return None
    return exact[: -tail_length - 1], exact[-tail_length:]


def _rect_queries(placement: Placement) -> list[tuple[bool, QuoteQuery]]:
    """The parts of the quote whose rectangles the reader draws: on its first page (``True``), and, for a
    highlight over a page break, on its last page (``anchors.continued``; pages in between have none)."""
    if placement.page_end == placement.page_index:
        return [(True, QuoteQuery(placement.page_index, placement.head, placement.prefix, placement.suffix))]
    tail = placement.exact[len(placement.head) + 1 :]  # after the "\n" that joins the two pages' parts
    return [
        (True, QuoteQuery(placement.page_index, placement.head, placement.prefix, "")),
        (False, QuoteQuery(placement.page_end, tail, "", placement.suffix)),
    ]


def _apply(annotation: Annotation, plan: _Plan, version: int) -> None:
    """Called inside the transaction, on the locked row; saves and broadcasts only what changed."""
    changed: list[str] = []
    if plan.placed:
        updates: dict[str, Any] = {
            "anchor_status": AnchorStatus.ANCHORED,
            "anchor_version": version,
            "page_index": plan.page_index,
            "anchors": plan.anchors,
        }
    else:
        # Kept as it was on the version it was last placed on.
        updates = {"anchor_status": AnchorStatus.ORPHANED}
    for name, value in updates.items():
        if getattr(annotation, name) != value:
            setattr(annotation, name, value)
            changed.append(name)
    if not changed:
        return
    annotation.version += 1
    annotation.save(update_fields=[*changed, "version", "updated_at"])
    services._send(annotation, services._annotation_event(annotation, "annotation.updated"))

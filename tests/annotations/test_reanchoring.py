"""Re-anchoring: a new version of a document's file is uploaded and parsed, and its annotations are placed
on the new text (exact, then fuzzy), or listed as orphaned -- never dropped."""

import io
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from rest_framework.test import APIClient

from annotations import services
from annotations.anchoring import DocumentText, place_quote
from annotations.exports import annotation_urn, pdf_marks
from annotations.models import Annotation
from annotations.reanchoring import annotations_reanchor
from annotations.selectors import annotation_list_for
from annotations.tasks import reanchor_annotations
from core.storage import get_storage
from documents.events import document_group, user_group
from documents.models import Document
from documents.parsing import QuoteQuery, quote_rects_in_subprocess
from documents.services import document_parse, document_upload_complete, document_upload_start
from teams.models import Membership
from tests.annotations.conftest import parsed_document, word_rect
from tests.documents import pdfs
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db


def _quote_anchors(page_text: str, exact: str, *, occurrence: int = 0, rects: list[list[float]]) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = page_text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "quote": {"exact": exact, "prefix": page_text[max(0, start - 32) : start], "suffix": page_text[end : end + 32]},
        "position": {"start": start, "end": end},
        "rects": rects,
    }


def _highlight(actor: Membership, document: Document, page: int, exact: str, **extra: Any) -> Annotation:
    text = document.pages.get(index=page).text
    occurrence = extra.pop("occurrence", 0)
    return services.annotation_create(
        actor=actor,
        document_id=document.pk,
        kind="highlight",
        page_index=page,
        anchors=_quote_anchors(text, exact, occurrence=occurrence, rects=[[1.0, 2.0, 3.0, 4.0]]),
        **extra,
    )


def _new_version(actor: Membership, document: Document, path: Path) -> Document:
    """Upload ``path`` as the next version (as the browser would, through the services) and parse it."""
    data = path.read_bytes()
    start = document_upload_start(
        actor=actor, filename=path.name, size=len(data), content_type="application/pdf", document_id=document.pk
    )
    get_storage().upload_from(key=start.upload.storage_key, fileobj=io.BytesIO(data), content_type="application/pdf")
    document_upload_complete(actor=actor, upload_id=start.upload.pk)
    document_parse(document_id=str(document.pk))
    document.refresh_from_db()
    assert document.state == Document.State.READY, document.error_message
    return document


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    return pdfs.write_pdf(
        tmp_path / "v1.pdf",
        [
            "Introduction.\nThe speed of light in vacuum is a universal constant.",
            "Results. The light cone of an event is the set of points.\nAnother light cone of a star.",
            "Discussion of gravitational lensing.",
        ],
    )


@pytest.fixture
def v2(tmp_path: Path) -> Path:
    """Version 2: a new first page; the constant's sentence edited; the light cone sentences moved to
    page 3, with more words in front; the discussion of lensing gone, and a page fewer than before."""
    return pdfs.write_pdf(
        tmp_path / "v2.pdf",
        [
            "Preface added in the second version.",
            "Introduction.\nThe speed of light in a vacuum is a universal constant.",
            "Results, revised. As shown, the light cone of an event is the set of points.\n"
            "Another light cone of a star.",
        ],
    )


@pytest.fixture
def document(lab: Lab, v1: Path) -> Document:
    return parsed_document(lab.team, v1, uploaded_by=lab.editor.user)


def _reanchor(document: Document) -> dict[str, int]:
    result: dict[str, int] = reanchor_annotations(str(document.pk))
    return result


def test_an_exact_quote_moves_to_another_page_with_its_offsets_and_rectangles(
    lab: Lab, document: Document, v2: Path
) -> None:
    highlight = _highlight(lab.editor, document, 1, "light cone of an event")
    before = Annotation.objects.get(pk=highlight.pk)

    _new_version(lab.editor, document, v2)
    # Until re-anchored, it is as it was, on version 1.
    assert Annotation.objects.get(pk=highlight.pk).anchors == before.anchors
    assert _reanchor(document) == {"moved": 1, "fuzzy": 0, "orphaned": 0}

    moved = Annotation.objects.get(pk=highlight.pk)
    page_text = document.pages.get(index=2).text
    assert moved.page_index == 2
    assert (moved.anchor_status, moved.anchor_version) == ("anchored", 2)
    start, end = moved.anchors["position"]["start"], moved.anchors["position"]["end"]
    assert page_text[start:end] == "light cone of an event"
    assert start != before.anchors["position"]["start"]  # more words in front of it now
    assert moved.anchors["quote"]["exact"] == "light cone of an event"
    assert moved.anchors["quote"]["prefix"].endswith("As shown, the ")
    # The rectangles are pdfium's, in version 2's file, around the words.
    [rect] = moved.anchors["rects"]
    first, last = word_rect(v2, 2, "light"), word_rect(v2, 2, "event")
    assert rect[0] == pytest.approx(first[0], abs=0.5)
    assert rect[2] == pytest.approx(last[2], abs=0.5)
    assert rect[1] == pytest.approx(first[1], abs=1.5)
    assert moved.version == before.version + 1
    assert moved.updated_at > before.updated_at


def test_an_offset_shift_on_the_same_page(lab: Lab, tmp_path: Path, document: Document) -> None:
    highlight = _highlight(lab.editor, document, 2, "gravitational lensing")
    pages = ["Page one.", "Page two.", "A long new sentence first. Discussion of gravitational lensing."]
    _new_version(lab.editor, document, pdfs.write_pdf(tmp_path / "shift.pdf", pages))
    _reanchor(document)
    moved = Annotation.objects.get(pk=highlight.pk)
    assert moved.page_index == 2
    assert moved.anchors["position"]["start"] == pages[2].index("gravitational")
    assert moved.anchors["position"]["end"] == pages[2].index("gravitational") + len("gravitational lensing")


def test_an_edited_quote_is_found_approximately(lab: Lab, document: Document, v2: Path) -> None:
    highlight = _highlight(lab.editor, document, 0, "speed of light in vacuum")
    assert _reanchor(_new_version(lab.editor, document, v2)) == {"moved": 1, "fuzzy": 1, "orphaned": 0}
    moved = Annotation.objects.get(pk=highlight.pk)
    assert moved.page_index == 1
    assert moved.anchors["quote"]["exact"] == "speed of light in a vacuum"
    text = document.pages.get(index=1).text
    assert text[moved.anchors["position"]["start"] : moved.anchors["position"]["end"]] == "speed of light in a vacuum"
    assert moved.anchors["rects"] != [[1.0, 2.0, 3.0, 4.0]]


def test_a_repeated_quote_goes_to_the_occurrence_its_context_names(lab: Lab, document: Document, v2: Path) -> None:
    second = _highlight(lab.editor, document, 1, "light cone", occurrence=1)  # "Another light cone of a star"
    first = _highlight(lab.editor, document, 1, "light cone", occurrence=0)
    _reanchor(_new_version(lab.editor, document, v2))
    text = document.pages.get(index=2).text
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.page_index, first.page_index) == (2, 2)
    assert second.anchors["position"]["start"] == text.index("Another light cone") + len("Another ")
    assert first.anchors["position"]["start"] == text.index("the light cone") + len("the ")
    assert second.anchors["rects"][0][1] < first.anchors["rects"][0][1]  # the line below


def test_what_cannot_be_placed_is_orphaned_never_deleted(
    lab: Lab, document: Document, v2: Path, django_capture_on_commit_callbacks: Any
) -> None:
    gone = _highlight(lab.editor, document, 2, "gravitational lensing", body="About lensing")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=gone.pk, body="Agreed")
    private = _highlight(lab.admin, document, 2, "Discussion", visibility="private")
    note_kept = services.annotation_create(
        actor=lab.viewer, document_id=document.pk, kind="note", page_index=1, anchors={"point": [10, 20]}, body="Hi"
    )
    area_gone = services.annotation_create(
        actor=lab.editor,
        document_id=document.pk,
        kind="area",
        page_index=2,
        anchors={"rects": [[1.0, 1.0, 50.0, 50.0]]},
    )
    before = {a.pk: a for a in Annotation.objects.filter(document=document)}

    # Version 2 has three pages, but its page 3 no longer holds the discussion: its highlights are orphaned,
    # the area stays on page 3. Version 3 has two pages: the area is orphaned, the note on page 2 stays.
    document = _new_version(lab.editor, document, v2)
    assert _reanchor(document) == {"moved": 2, "fuzzy": 0, "orphaned": 2}
    short = pdfs.write_pdf(Path(str(v2).replace("v2", "v3")), ["Preface.", "Introduction."])
    document = _new_version(lab.editor, document, short)
    assert _reanchor(document) == {"moved": 1, "fuzzy": 0, "orphaned": 3}
    assert Annotation.objects.filter(document=document).count() == 4

    for annotation, placed_on in ((gone, 1), (private, 1), (area_gone, 2)):
        annotation.refresh_from_db()
        assert annotation.anchor_status == "orphaned"
        assert annotation.anchor_version == placed_on  # the anchors are still those of that version
        assert annotation.anchors == before[annotation.pk].anchors
        assert annotation.page_index == before[annotation.pk].page_index
    assert gone.body == "About lensing"
    note_kept.refresh_from_db()
    assert (note_kept.anchor_status, note_kept.anchor_version, note_kept.page_index) == ("anchored", 3, 1)

    # Listed (with a filter), and still open to replies and deletion.
    client = APIClient()
    client.force_login(lab.viewer.user)
    url = f"/api/v1/teams/{lab.team.pk}/documents/{document.pk}/annotations"
    listed = client.get(url, {"anchor_status": "orphaned"}).json()["results"]
    assert {item["id"] for item in listed} == {str(gone.pk), str(area_gone.pk)}  # the admin's private one: hidden
    assert {item["anchor_status"] for item in listed} == {"orphaned"}
    assert client.get(url, {"anchor_status": "anchored"}).json()["results"][0]["id"] == str(note_kept.pk)
    assert client.get(url, {"anchor_status": "lost"}).json()["code"] == "invalid"
    # A catch-up is of the whole list: its removals would be wrong for a filtered one.
    both = client.get(url, {"anchor_status": "orphaned", "updated_after": "2026-01-01T00:00:00Z"})
    assert (both.status_code, both.json()["code"]) == (400, "invalid")
    assert "anchor_status" in both.json()["fields"]
    reply = client.post(f"{url}/{gone.pk}/replies", {"body": "Where did it go?"}, format="json")
    assert reply.status_code == 201
    admin = APIClient()
    admin.force_login(lab.admin.user)
    assert admin.get(url, {"anchor_status": "orphaned"}).json()["results"][0]["anchor_status"] == "orphaned"
    assert admin.delete(f"{url}/{private.pk}").status_code == 204


def test_orphaned_annotations_are_placed_again_when_a_later_version_has_their_text(
    lab: Lab, tmp_path: Path, document: Document, v2: Path, v1: Path
) -> None:
    gone = _highlight(lab.editor, document, 2, "gravitational lensing")
    _reanchor(_new_version(lab.editor, document, v2))
    gone.refresh_from_db()
    assert gone.anchor_status == "orphaned"
    _reanchor(
        _new_version(
            lab.editor, document, pdfs.write_pdf(tmp_path / "v3.pdf", ["Discussion of gravitational lensing."])
        )
    )
    gone.refresh_from_db()
    assert (gone.anchor_status, gone.anchor_version, gone.page_index) == ("anchored", 3, 0)


def test_reanchoring_twice_changes_nothing_more(lab: Lab, document: Document, v2: Path) -> None:
    moved = _highlight(lab.editor, document, 1, "light cone of an event")
    gone = _highlight(lab.editor, document, 2, "gravitational lensing")
    _reanchor(_new_version(lab.editor, document, v2))
    versions = dict(Annotation.objects.values_list("pk", "version"))
    _reanchor(document)
    assert dict(Annotation.objects.values_list("pk", "version")) == versions
    assert versions[moved.pk] == 2
    assert versions[gone.pk] == 2


def test_changes_are_broadcast_to_the_team_and_private_ones_to_their_author(
    lab: Lab, document: Document, v2: Path, django_capture_on_commit_callbacks: Any
) -> None:
    shared = _highlight(lab.editor, document, 1, "light cone of an event")
    private = _highlight(lab.admin, document, 2, "gravitational lensing", visibility="private")
    _new_version(lab.editor, document, v2)

    layer = get_channel_layer()
    assert layer is not None
    listening = {}
    for name, group in (
        ("document", document_group(document.pk)),
        ("author", user_group(lab.admin.user_id)),
        ("editor", user_group(lab.editor.user_id)),
    ):
        listening[name] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(group, listening[name])

    with django_capture_on_commit_callbacks(execute=True):
        _reanchor(document)

    async def drain(channel: str) -> list[dict[str, Any]]:
        import asyncio

        messages = []
        while True:
            try:
                messages.append(await asyncio.wait_for(layer.receive(channel), timeout=0.5))
            except TimeoutError:
                return messages

    to_document = [message["event"] for message in async_to_sync(drain)(listening["document"])]
    to_author = [message["event"] for message in async_to_sync(drain)(listening["author"])]
    assert [(e["type"], e["annotation"]["id"]) for e in to_document] == [("annotation.updated", str(shared.pk))]
    assert to_document[0]["annotation"]["page_index"] == 2
    assert to_document[0]["annotation"]["version"] == 2
    assert [(e["type"], e["annotation"]["id"]) for e in to_author] == [("annotation.updated", str(private.pk))]
    assert to_author[0]["annotation"]["anchor_status"] == "orphaned"
    assert async_to_sync(drain)(listening["editor"]) == []


def test_catch_up_after_reconnect_sees_the_reanchored_annotations(lab: Lab, document: Document, v2: Path) -> None:
    highlight = _highlight(lab.editor, document, 1, "light cone of an event")
    client = APIClient()
    client.force_login(lab.viewer.user)
    url = f"/api/v1/teams/{lab.team.pk}/documents/{document.pk}/annotations"
    seen = Annotation.objects.get(pk=highlight.pk).updated_at
    _reanchor(_new_version(lab.editor, document, v2))
    assert Annotation.objects.get(pk=highlight.pk).updated_at > seen
    changed = client.get(url, {"updated_after": seen.isoformat()}).json()["results"]
    assert [(item["id"], item["page_index"], item["anchor_version"]) for item in changed] == [(str(highlight.pk), 2, 2)]


@pytest.mark.usefixtures("eager_celery")
def test_the_parse_of_a_new_version_reanchors_through_the_signal(
    lab: Lab, document: Document, v2: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN Celery runs tasks eagerly WHEN a new version's parse commits THEN the annotations receiver of
    document_parsed re-anchors the annotations."""
    highlight = _highlight(lab.editor, document, 1, "light cone of an event")
    with django_capture_on_commit_callbacks(execute=True):
        _new_version(lab.editor, document, v2)
    highlight.refresh_from_db()
    assert (highlight.page_index, highlight.anchor_version) == (2, 2)


# --- the matching alone ------------------------------------------------------------------------------


def test_matching_ignores_line_breaks_and_hyphenation_and_runs_over_page_breaks() -> None:
    text = DocumentText([(0, "It ends with a pack-\nage of"), (1, "light. Then more.")])
    placed = place_quote(text, exact="package of light", prefix="ends with a ", suffix=". Then", page_hint=0)
    assert placed is not None
    assert (placed.page_index, placed.start, placed.page_end, placed.end) == (0, 15, 1, 5)
    assert not placed.fuzzy
    assert placed.head == "pack-\nage of"


def test_exact_occurrences_prefer_the_context_then_the_nearest_page() -> None:
    text = DocumentText([(0, "alpha beta gamma"), (1, "delta beta epsilon"), (5, "zeta beta eta")])
    near = place_quote(text, exact="beta", prefix="", suffix="", page_hint=4)
    assert near is not None
    assert near.page_index == 5
    by_context = place_quote(text, exact="beta", prefix="delta ", suffix=" epsilon", page_hint=5)
    assert by_context is not None
    assert by_context.page_index == 1


def test_a_short_quote_is_never_matched_approximately() -> None:
    text = DocumentText([(0, "The cat sat on the mat.")])
    assert place_quote(text, exact="cap", prefix="The ", suffix=" sat", page_hint=0) is None
    assert place_quote(text, exact="dog and bird", prefix="", suffix="", page_hint=0) is None


def test_the_annotated_pdf_leaves_orphaned_annotations_out(lab: Lab, document: Document, v2: Path) -> None:
    """Their rectangles are those of an earlier file: drawn on the new one they would mark other words."""
    moved = _highlight(lab.editor, document, 1, "light cone of an event")
    _highlight(lab.editor, document, 2, "gravitational lensing")
    _new_version(lab.editor, document, v2)
    waiting = annotation_list_for(user=lab.editor.user, team=lab.team, document_id=document.pk)
    assert pdf_marks(waiting, version=document.version) == []  # not yet re-anchored: on version 1's text
    _reanchor(document)
    marks = pdf_marks(
        annotation_list_for(user=lab.editor.user, team=lab.team, document_id=document.pk), version=document.version
    )
    assert [(mark.name, mark.page_index) for mark in marks] == [(annotation_urn(moved.pk), 2)]


def test_quote_rectangles_are_found_by_pdfium_in_the_sandbox(v2: Path) -> None:
    queries = [
        QuoteQuery(page_index=2, exact="light cone", prefix="Another ", suffix=" of a star"),
        QuoteQuery(page_index=2, exact="not on this page"),
        QuoteQuery(page_index=9, exact="light cone"),
    ]
    found, missing, no_page = quote_rects_in_subprocess(v2, queries)
    assert missing is None
    assert no_page is None
    assert found is not None
    [rect] = found
    assert rect[0] == pytest.approx(word_rect(v2, 2, "light", occurrence=1)[0], abs=0.5)


def test_a_highlight_without_rectangles_in_the_new_file_is_placed_and_listed(
    lab: Lab, document: Document, v2: Path
) -> None:
    """GIVEN pdfium finds no text under the quote (as on a scanned page) THEN the highlight is placed all the
    same, without rectangles: listed in the sidebar, not drawn somewhere wrong."""
    highlight = _highlight(lab.editor, document, 1, "light cone of an event")
    _new_version(lab.editor, document, v2)
    result = annotations_reanchor(document_id=document.pk, locate_rects=lambda _, queries: [None] * len(queries))
    assert result.moved == [str(highlight.pk)]
    highlight.refresh_from_db()
    assert highlight.page_index == 2
    assert "rects" not in highlight.anchors


def test_a_highlight_over_a_page_break_is_placed_over_the_new_one_with_rectangles_on_both_pages(
    lab: Lab, document: Document, v2: Path
) -> None:
    """GIVEN a highlight from the end of page 1 onto page 2 WHEN version 2 moves that text one page on
    THEN it spans pages 2 and 3, with pdfium's rectangles on both (``rects`` and ``continued``)."""
    first, second = document.pages.get(index=0).text, document.pages.get(index=1).text
    start, end = first.index("a universal constant."), second.index("Results") + len("Results")
    highlight = services.annotation_create(
        actor=lab.editor,
        document_id=document.pk,
        kind="highlight",
        page_index=0,
        anchors={
            "quote": {"exact": first[start:] + "\n" + second[:end], "prefix": first[start - 20 : start], "suffix": ""},
            "position": {"start": start, "end": end},
            "rects": [[1.0, 2.0, 3.0, 4.0]],
            "page_end": 1,
            "continued": [{"page_index": 1, "rects": [[5.0, 6.0, 7.0, 8.0]]}],
        },
    )

    _new_version(lab.editor, document, v2)
    assert _reanchor(document) == {"moved": 1, "fuzzy": 0, "orphaned": 0}

    moved = Annotation.objects.get(pk=highlight.pk)
    assert (moved.page_index, moved.anchors["page_end"]) == (1, 2)
    [head] = moved.anchors["rects"]
    assert head[1] == pytest.approx(word_rect(v2, 1, "universal")[1], abs=1.5)
    [continued] = moved.anchors["continued"]
    assert continued["page_index"] == 2
    [tail] = continued["rects"]
    results = word_rect(v2, 2, "Results")
    assert tail[0] == pytest.approx(results[0], abs=0.5)
    assert tail[2] == pytest.approx(results[2], abs=0.5)


def test_a_highlight_over_three_pages_is_placed_whole(lab: Lab, tmp_path: Path) -> None:
    """GIVEN a highlight from the end of page 1 over all of page 2 to the start of page 3 (its quote holds
    the first and last pages' parts only) WHEN version 2 adds a page in front THEN it spans pages 2 to 4,
    found exactly -- not shrunk to its first page by an approximate match."""
    pages = [
        "Introduction. The argument starts here and runs on",
        "through a whole page of derivations that nobody quotes twice.",
        "until it ends right here. Then the next section begins.",
    ]
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "v1.pdf", pages), uploaded_by=lab.editor.user)
    first, last = document.pages.get(index=0).text, document.pages.get(index=2).text
    start, end = first.index("The argument"), last.index("ends right here") + len("ends right here")
    highlight = services.annotation_create(
        actor=lab.editor,
        document_id=document.pk,
        kind="highlight",
        page_index=0,
        anchors={
            "quote": {"exact": first[start:] + "\n" + last[:end], "prefix": first[:start], "suffix": last[end:]},
            "position": {"start": start, "end": end},
            "rects": [[1.0, 2.0, 3.0, 4.0]],
            "page_end": 2,
        },
    )

    _new_version(lab.editor, document, pdfs.write_pdf(tmp_path / "v2.pdf", ["A preface.", *pages]))
    assert _reanchor(document) == {"moved": 1, "fuzzy": 0, "orphaned": 0}

    moved = Annotation.objects.get(pk=highlight.pk)
    assert (moved.page_index, moved.anchors["page_end"]) == (1, 3)
    assert moved.anchors["position"] == {"start": start, "end": end}
    assert moved.anchors["continued"][0]["page_index"] == 3


@pytest.mark.usefixtures("eager_celery")
def test_a_lost_reanchoring_is_queued_again_by_the_sweep(lab: Lab, document: Document, v2: Path) -> None:
    """GIVEN a new version whose re-anchoring task never ran (the broker was down) WHEN the periodic sweep
    runs a while later THEN that document's annotations are placed; a fresh parse is left to its own task."""
    from datetime import timedelta

    from django.utils import timezone

    from annotations.tasks import reanchor_stale_documents

    highlight = _highlight(lab.editor, document, 1, "light cone of an event")
    _new_version(lab.editor, document, v2)
    assert reanchor_stale_documents() == 0  # parsed just now: its own task is on its way

    Document.objects.filter(pk=document.pk).update(parsed_at=timezone.now() - timedelta(minutes=10))
    assert reanchor_stale_documents() == 1
    assert Annotation.objects.get(pk=highlight.pk).anchor_version == 2
    assert reanchor_stale_documents() == 0

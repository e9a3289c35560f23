"""Imports: annotations already inside an uploaded PDF, and W3C JSON-LD exported by Scrollkeeper."""

import json
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import requests
from pypdf import PdfWriter
from pypdf.annotations import FreeText, Highlight, Text
from pypdf.generic import ArrayObject, FloatObject, NameObject, RectangleObject, TextStringObject

from annotations import services
from annotations.imports import nearest_palette_color, quote_anchor
from annotations.models import Annotation, Reply
from annotations.tasks import export_annotated_pdf, import_pdf_annotations
from core.storage import get_storage
from documents.models import Document, Page
from documents.services import document_parse
from documents.signals import document_parsed
from teams.roles import Role
from tests.annotations.conftest import HIGHLIGHT, annotate, make_document, parsed_document, word_rect
from tests.documents import pdfs
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db

PAGES = ["Introduction.\nThe light cone of an event.", "Results.\nThe fringes moved by half a period."]


def _quad_points(rect: list[float]) -> ArrayObject:
    x1, y1, x2, y2 = rect
    return ArrayObject(FloatObject(value) for value in (x1, y2, x2, y2, x1, y1, x2, y1))


def annotated_elsewhere(path: Path, *, name: str = "") -> tuple[Path, list[float]]:
    """GIVEN a PDF annotated in another reader: a green highlight over "fringes moved" on page 2 with a
    comment, a yellow sticky note and a free-text box on page 1."""
    pdfs.write_pdf(path, PAGES)
    fringes, moved = word_rect(path, 1, "fringes"), word_rect(path, 1, "moved")
    rect = [fringes[0], min(fringes[1], moved[1]), moved[2], max(fringes[3], moved[3])]
    writer = PdfWriter(clone_from=path)
    highlight = Highlight(rect=RectangleObject(rect), quad_points=_quad_points(rect), highlight_color="00ff00")
    highlight[NameObject("/Contents")] = TextStringObject("Is this *half*?")
    if name:
        highlight[NameObject("/NM")] = TextStringObject(name)
    writer.add_annotation(1, highlight)
    writer.add_annotation(0, Text(rect=(300, 500, 320, 520), text="Units?"))
    writer.add_annotation(0, FreeText(text="Typed on the page", rect=(100, 100, 300, 140)))
    writer.add_annotation(0, Text(rect=(300, 400, 320, 420), text=""))  # an empty note makes nothing
    writer.write(path)
    return path, rect


def test_highlights_and_notes_inside_an_uploaded_pdf_become_the_uploaders(lab: Lab, tmp_path: Path) -> None:
    path, rect = annotated_elsewhere(tmp_path / "annotated.pdf")
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)

    assert import_pdf_annotations(str(document.pk)) == 3

    highlight = Annotation.objects.get(document=document, kind="highlight")
    page_text = Page.objects.get(document=document, index=1).text
    quote, position = highlight.anchors["quote"], highlight.anchors["position"]
    assert quote["exact"] == "fringes moved"
    assert page_text[position["start"] : position["end"]] == "fringes moved"
    assert page_text[: position["start"]].endswith(quote["prefix"])
    assert page_text[position["end"] :].startswith(quote["suffix"])
    assert highlight.anchors["rects"] == [pytest.approx(rect, abs=0.01)]
    assert (highlight.page_index, highlight.color, highlight.body) == (1, "green", "Is this *half*?")
    assert (highlight.author, highlight.visibility) == (lab.editor.user, "team")
    notes = Annotation.objects.filter(document=document, kind="note").order_by("body")
    assert [(note.page_index, note.body, note.anchors) for note in notes] == [
        (0, "Typed on the page", {"point": [100.0, 140.0]}),
        (0, "Units?", {"point": [300.0, 520.0]}),
    ]
    # Everyone in the team sees them.
    listed = lab.client(Role.VIEWER).get(lab.url(f"/documents/{document.pk}/annotations")).json()["results"]
    assert len(listed) == 3


def test_importing_a_pdf_again_adds_nothing(lab: Lab, tmp_path: Path) -> None:
    path, _ = annotated_elsewhere(tmp_path / "annotated.pdf", name="acrobat-7f3a")
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)
    import_pdf_annotations(str(document.pk))

    assert import_pdf_annotations(str(document.pk)) == 0
    assert Annotation.objects.filter(document=document).count() == 3
    assert Annotation.objects.get(document=document, kind="highlight").source == "pdf:acrobat-7f3a"


@pytest.mark.usefixtures("eager_celery")
def test_the_parse_of_an_upload_imports_its_annotations(
    lab: Lab, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN Celery runs tasks eagerly WHEN the document's parse commits THEN documents' document_parsed
    signal reaches the annotations receiver, whose task imports the PDF's annotations."""
    path, _ = annotated_elsewhere(tmp_path / "annotated.pdf")
    data = path.read_bytes()
    document = Document.objects.create(
        team=lab.team,
        uploaded_by=lab.viewer.user,
        title="Upload",
        filename="upload.pdf",
        size=len(data),
        storage_key=f"teams/{lab.team.pk}/documents/upload.pdf",
    )
    get_storage().upload_from(key=document.storage_key, fileobj=BytesIO(data), content_type="application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        document_parse(document_id=str(document.pk))

    imported = Annotation.objects.filter(document=document)
    assert imported.count() == 3
    assert {annotation.author_id for annotation in imported} == {lab.viewer.user_id}


def test_the_parse_counts_the_annotations_worth_importing_and_not_links(tmp_path: Path) -> None:
    """GIVEN a PDF with a highlight and three notes, and one with only a link WHEN parsed THEN the parse
    says how many markup annotations there are (links are not: most papers are full of them)."""
    from pypdf.annotations import Link

    from documents.parsing import parse_in_subprocess

    annotated, _ = annotated_elsewhere(tmp_path / "annotated.pdf")
    linked = pdfs.write_pdf(tmp_path / "linked.pdf", PAGES)
    writer = PdfWriter(clone_from=linked)
    writer.add_annotation(0, Link(rect=(72, 700, 200, 720), url="https://example.org/"))
    writer.write(linked)

    assert parse_in_subprocess(annotated).markup_annotations == 4
    assert parse_in_subprocess(linked).markup_annotations == 0


@pytest.mark.usefixtures("eager_celery")
def test_a_parse_that_found_no_annotations_does_not_read_the_file_again(
    lab: Lab, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """GIVEN a PDF without markup annotations WHEN its parse commits THEN no import task runs (it would
    download and read the whole file a second time for nothing)."""
    from celery.signals import task_prerun

    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "plain.pdf", PAGES), uploaded_by=lab.editor.user)
    Document.objects.filter(pk=document.pk).update(state=Document.State.QUEUED)
    sent: list[str] = []

    def record(*, sender: Any, **kwargs: Any) -> None:
        sent.append(sender.name)

    parsed: list[Any] = []

    def on_parsed(**kwargs: Any) -> None:
        parsed.append(kwargs["markup_annotations"])

    task_prerun.connect(record, weak=False)
    document_parsed.connect(on_parsed, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document_parse(document_id=str(document.pk))
    finally:
        task_prerun.disconnect(record)
        document_parsed.disconnect(on_parsed)
    assert Document.objects.get(pk=document.pk).state == Document.State.READY
    assert parsed == [0]
    assert import_pdf_annotations.name not in sent


def test_a_repeated_word_is_anchored_where_it_was_highlighted(lab: Lab, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "repeat.pdf", ["Intro line.\nThe cat saw the dog and the bird."])
    rect = word_rect(path, 0, "the", occurrence=1)  # "the bird", not "the dog"
    writer = PdfWriter(clone_from=path)
    writer.add_annotation(0, Highlight(rect=RectangleObject(rect), quad_points=_quad_points(rect)))
    writer.write(path)
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)

    import_pdf_annotations(str(document.pk))

    (highlight,) = Annotation.objects.filter(document=document)
    text = Page.objects.get(document=document, index=0).text
    position = highlight.anchors["position"]
    assert position["start"] == text.index("the bird")
    assert (highlight.anchors["quote"]["exact"], highlight.anchors["quote"]["suffix"][:5]) == ("the", " bird")


def test_a_highlight_without_text_under_it_is_kept_as_an_area(lab: Lab, tmp_path: Path) -> None:
    pdfs.write_pdf(tmp_path / "scan.pdf", ["Some words here.", ""], image_only=[1])
    writer = PdfWriter(clone_from=tmp_path / "scan.pdf")
    rect = [120.0, 200.0, 300.0, 260.0]
    mark = Highlight(rect=RectangleObject(rect), quad_points=_quad_points(rect), highlight_color="ff0000")
    writer.add_annotation(1, mark)
    writer.write(tmp_path / "scan.pdf")
    document = parsed_document(lab.team, tmp_path / "scan.pdf", uploaded_by=lab.editor.user)

    import_pdf_annotations(str(document.pk))

    (area,) = Annotation.objects.filter(document=document)
    assert (area.kind, area.anchors, area.color) == ("area", {"rects": [rect]}, "red")


def test_an_exported_pdf_uploaded_again_does_not_duplicate_our_annotations(lab: Lab, tmp_path: Path) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES), uploaded_by=lab.editor.user)
    annotate(lab.editor, document, page_index=1, body="Ours")
    annotate(lab.editor, document, "note", body="Also ours")
    client = lab.client(Role.EDITOR)
    started = client.post(lab.url(f"/documents/{document.pk}/annotations/exports"), {"format": "pdf"}, format="json")
    export_annotated_pdf(started.json()["id"])
    ready = client.get(lab.url(f"/documents/{document.pk}/annotations/exports/{started.json()['id']}")).json()
    exported = tmp_path / "exported.pdf"
    exported.write_bytes(requests.get(ready["download_url"], timeout=10).content)
    copy = parsed_document(lab.team, exported, uploaded_by=lab.editor.user, title="Copy")

    assert import_pdf_annotations(str(copy.pk)) == 0
    assert not Annotation.objects.filter(document=copy).exists()


def test_nearest_palette_colour_reads_gray_rgb_and_cmyk() -> None:
    assert nearest_palette_color(None) == "yellow"
    assert nearest_palette_color([1.0, 1.0, 0.0]) == "yellow"
    assert nearest_palette_color([0.1, 0.4, 0.95]) == "blue"
    assert nearest_palette_color([0.7]) == "grey"
    assert nearest_palette_color([0.0, 0.0, 1.0, 0.0]) == "yellow"  # CMYK: no cyan, no magenta, full yellow


def test_quote_anchor_finds_the_quote_across_different_whitespace() -> None:
    text = "Results.\nThe fringes\nmoved by half"
    assert quote_anchor(text, "fringes moved") == {
        "quote": {"exact": "fringes\nmoved", "prefix": "Results.\nThe ", "suffix": " by half"},
        "position": {"start": 13, "end": 26},
    }
    assert quote_anchor(text, "nowhere") is None
    repeated = "a b a b a"
    first, nearest = quote_anchor(repeated, "a"), quote_anchor(repeated, "a", near=5)
    assert first is not None
    assert nearest is not None
    assert first["position"] == {"start": 0, "end": 1}
    assert nearest["position"] == {"start": 4, "end": 5}


# --- JSON-LD -------------------------------------------------------------------------------------------


def _url(lab: Lab, document: Document, suffix: str) -> str:
    return lab.url(f"/documents/{document.pk}/annotations/{suffix}")


def _export(lab: Lab, document: Document, role: str = Role.EDITOR) -> dict[str, Any]:
    response = lab.client(role).get(_url(lab, document, "export"))
    assert response.status_code == 200, response.content
    exported: dict[str, Any] = response.json()
    return exported


def _import(lab: Lab, document: Document, data: Any, role: str = Role.EDITOR) -> Any:
    return lab.client(role).post(_url(lab, document, "import"), data, format="json")


def _state(document: Document) -> list[tuple[Any, ...]]:
    """What must survive the round trip, in reading order."""
    annotations = Annotation.objects.filter(document=document).prefetch_related("replies")
    states = [
        (
            annotation.page_index,
            annotation.kind,
            annotation.anchors,
            annotation.color,
            annotation.body,
            annotation.visibility,
            annotation.resolved_at is not None,
            [reply.body for reply in annotation.replies.all()],
        )
        for annotation in annotations
    ]
    return sorted(states, key=lambda state: (state[0], state[1], state[4], state[3]))


@pytest.fixture
def annotated(lab: Lab, document: Document) -> Document:
    first = annotate(lab.editor, document, body="**Key**", color="#2a7")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=first.pk, body="Why?")
    services.reply_create(actor=lab.editor, document_id=document.pk, annotation_id=first.pk, body="Eq. 3")
    spanning = {**HIGHLIGHT, "page_end": 1, "position": {"start": 30, "end": 4}}
    annotate(lab.editor, document, page_index=0, anchors=spanning, color="pink")
    resolved = annotate(lab.editor, document, "area", page_index=3, body="Figure 2")
    services.annotation_resolve(actor=lab.viewer, document_id=document.pk, annotation_id=resolved.pk)
    annotate(lab.editor, document, "note", page_index=4, body="Mine only", visibility="private")
    return document


def test_jsonld_export_imported_onto_a_copy_is_lossless(lab: Lab, annotated: Document) -> None:
    exported = _export(lab, annotated)
    copy = make_document(lab.team, title="Copy")

    response = _import(lab, copy, exported)

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 4, "skipped": 0, "replies_created": 2, "replies_skipped": 0}
    assert _state(copy) == _state(annotated)
    assert {annotation.author_id for annotation in Annotation.objects.filter(document=copy)} == {lab.editor.user_id}


def test_jsonld_import_is_idempotent(lab: Lab, annotated: Document) -> None:
    exported = _export(lab, annotated)
    copy = make_document(lab.team, title="Copy")
    _import(lab, copy, exported)
    before = _state(annotated), _state(copy)

    onto_itself = _import(lab, annotated, exported)
    again = _import(lab, copy, exported)

    assert onto_itself.json() == {"created": 0, "skipped": 4, "replies_created": 0, "replies_skipped": 2}
    assert again.json() == {"created": 0, "skipped": 4, "replies_created": 0, "replies_skipped": 2}
    assert (_state(annotated), _state(copy)) == before


def test_a_new_reply_to_an_annotation_already_here_is_imported(lab: Lab, annotated: Document) -> None:
    exported = _export(lab, annotated)
    parent = exported["first"]["items"][0]
    exported["first"]["items"].append(
        {
            "id": "urn:example:reply:1",
            "type": "Annotation",
            "motivation": "replying",
            "target": parent["id"],
            "body": {"type": "TextualBody", "value": "From elsewhere"},
        }
    )

    response = _import(lab, annotated, exported)

    assert response.json()["replies_created"] == 1
    bodies = Reply.objects.filter(annotation_id=parent["id"].rsplit(":", 1)[1]).values_list("body", flat=True)
    assert list(bodies) == ["Why?", "Eq. 3", "From elsewhere"]


def test_jsonld_import_accepts_the_ld_json_media_type(lab: Lab, annotated: Document) -> None:
    copy = make_document(lab.team, title="Copy")
    response = lab.client(Role.EDITOR).post(
        _url(lab, copy, "import"), json.dumps(_export(lab, annotated)), content_type="application/ld+json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 4


def test_viewers_cannot_import(lab: Lab, annotated: Document) -> None:
    response = _import(lab, make_document(lab.team, title="Copy"), _export(lab, annotated), role=Role.VIEWER)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"type": "Something"}, id="not a collection"),
        pytest.param([{"type": "Annotation"}], id="no id"),
        pytest.param(
            [{"id": "urn:x:1", "type": "Annotation", "target": {"selector": []}, "scrollkeeper:kind": "highlight"}],
            id="highlight without anchors",
        ),
        pytest.param(
            [{"id": "urn:x:2", "type": "Annotation", "motivation": "replying", "target": "urn:x:9", "body": "Hi"}],
            id="reply to nothing",
        ),
    ],
)
def test_invalid_jsonld_is_a_400_and_creates_nothing(lab: Lab, document: Document, data: Any) -> None:
    response = _import(lab, document, data)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_jsonld"
    assert not Annotation.objects.filter(document=document).exists()


def test_invalid_items_name_the_fields(lab: Lab, document: Document) -> None:
    item = {"id": "urn:x:1", "type": "Annotation", "target": {"selector": []}, "scrollkeeper:kind": "highlight"}

    missing = _import(lab, document, [item]).json()["fields"]
    bad_colour = _import(lab, document, [{**item, "scrollkeeper:color": "mauve"}]).json()["fields"]

    assert set(missing) == {"items.0.anchors.quote", "items.0.anchors.position", "items.0.anchors.rects"}
    assert set(bad_colour) == {"items.0.color"}


def test_an_annotation_past_the_last_page_is_refused(lab: Lab, annotated: Document) -> None:
    exported = _export(lab, annotated)
    exported["first"]["items"][0]["target"]["selector"][-1]["value"] = "page=99"
    copy = make_document(lab.team, title="Copy")

    response = _import(lab, copy, exported)

    assert response.status_code == 400
    assert not Annotation.objects.filter(document=copy).exists()


def test_nothing_is_added_to_another_members_private_thread(lab: Lab, document: Document) -> None:
    """GIVEN the editor's private highlight, whose id an admin learnt WHEN the admin imports JSON-LD with
    that id and a reply to it THEN it is skipped and its thread stays the editor's alone."""
    secret = annotate(lab.editor, document, body="Draft", visibility="private")
    exported = _export(lab, document, role=Role.EDITOR)
    exported["first"]["items"].append(
        {
            "id": "urn:example:reply:2",
            "type": "Annotation",
            "motivation": "replying",
            "target": exported["first"]["items"][0]["id"],
            "body": {"type": "TextualBody", "value": "Sneaking in"},
        }
    )

    response = _import(lab, document, exported, role=Role.ADMIN)

    assert response.json() == {"created": 0, "skipped": 1, "replies_created": 0, "replies_skipped": 1}
    assert not secret.replies.exists()


def test_the_import_task_skips_an_uploader_who_left_the_team(lab: Lab, tmp_path: Path) -> None:
    path, _ = annotated_elsewhere(tmp_path / "annotated.pdf")
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)
    lab.editor.delete()

    assert import_pdf_annotations(str(document.pk)) == 0
    assert not Annotation.objects.filter(document=document).exists()


def test_annotations_are_read_in_the_sandbox_and_a_broken_page_is_passed_over(tmp_path: Path) -> None:
    """GIVEN a PDF whose first page's /Annots is garbage and whose second carries a highlight WHEN its
    annotations are read (in the parser's child process) THEN the highlight comes back with the text under
    it, and the broken page gives nothing instead of failing the whole file."""
    from pypdf.generic import NumberObject

    from documents.parsing import read_annotations_in_subprocess

    path, rect = annotated_elsewhere(tmp_path / "annotated.pdf")
    writer = PdfWriter(clone_from=path)
    writer.pages[0][NameObject("/Annots")] = NumberObject(42)
    writer.write(path)

    embedded = read_annotations_in_subprocess(path)
    assert [(item.page_index, item.subtype) for item in embedded] == [(1, "/Highlight")]
    assert embedded[0].text_under == "fringes moved"
    assert embedded[0].rects == [[round(value, 2) for value in rect]]


def test_a_document_deleted_while_its_annotations_are_read_gets_none(lab: Lab, tmp_path: Path) -> None:
    """GIVEN an upload with embedded annotations deleted after its file was fetched WHEN the import stores
    THEN nothing is created and nothing fails."""
    from annotations.imports import _annotations_store_embedded
    from documents.parsing import read_annotations_in_subprocess

    path, _ = annotated_elsewhere(tmp_path / "annotated.pdf")
    document = parsed_document(lab.team, path, uploaded_by=lab.owner.user)
    embedded = read_annotations_in_subprocess(path)
    Document.objects.filter(pk=document.pk).delete()
    assert _annotations_store_embedded(document=document, embedded=embedded, uploader=lab.owner.user) == 0
    assert not Annotation.objects.filter(document_id=document.pk).exists()

"""Exports: W3C Web Annotation JSON-LD, Markdown by page, and the annotated PDF read back with pypdf."""

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PageObject, PdfReader

from annotations import services
from annotations.exports import annotation_urn
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import HIGHLIGHT, annotate, parsed_document, word_rect
from tests.documents import pdfs
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db

PAGES = ["Introduction.\nThe light cone of an event.", "Results.\nThe fringes moved by half a period."]


def _export(lab: Lab, document: Document, export: str = "jsonld", role: str = Role.VIEWER) -> Any:
    return lab.client(role).get(lab.url(f"/documents/{document.pk}/annotations/export"), {"format": export})


def _items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    items: list[dict[str, Any]] = response.json()["first"]["items"]
    return items


def _annotations(page: PageObject) -> list[Any]:
    annots = page.annotations
    assert annots is not None
    return [annot.get_object() for annot in annots]


def test_the_jsonld_export_is_a_w3c_annotation_collection(lab: Lab, document: Document) -> None:
    highlight = annotate(lab.editor, document, body="**Key** result", color="blue")
    reply = services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Why?")
    annotate(lab.viewer, document, "note", page_index=2, body="See eq. 3")

    response = _export(lab, document)

    assert response["Content-Type"] == "application/ld+json"
    collection = response.json()
    assert collection["type"] == "AnnotationCollection"
    assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["total"] == 3
    first, answer, pinned = _items(response)
    assert first["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert (first["id"], first["type"], first["motivation"]) == (
        annotation_urn(highlight.pk),
        "Annotation",
        "highlighting",
    )
    assert first["creator"]["name"] == lab.editor.user.name
    assert first["created"].endswith("Z")
    assert first["modified"]
    assert first["body"] == {
        "type": "TextualBody",
        "value": "**Key** result",
        "format": "text/markdown",
        "purpose": "commenting",
    }
    target = first["target"]
    assert target["source"] == f"urn:scrollkeeper:document:{document.pk}"
    assert target["selector"] == [
        {"type": "TextQuoteSelector", **HIGHLIGHT["quote"]},
        {"type": "TextPositionSelector", **HIGHLIGHT["position"]},
        {"type": "FragmentSelector", "conformsTo": "http://tools.ietf.org/rfc/rfc3778", "value": "page=1"},
    ]
    assert target["scrollkeeper:rects"] == HIGHLIGHT["rects"]
    assert (first["scrollkeeper:kind"], first["scrollkeeper:color"]) == ("highlight", "blue")
    assert answer["id"] == f"urn:scrollkeeper:reply:{reply.pk}"
    assert (answer["motivation"], answer["target"], answer["body"]["value"]) == ("replying", first["id"], "Why?")
    assert pinned["motivation"] == "commenting"
    assert pinned["target"]["selector"][-1]["value"] == "page=3"
    assert pinned["target"]["scrollkeeper:point"] == [100.0, 200.0]


def test_private_annotations_of_others_are_never_exported(lab: Lab, document: Document) -> None:
    secret = annotate(lab.editor, document, body="Editor's draft", visibility="private")
    annotate(lab.viewer, document, "note", body="Viewer's own draft", visibility="private")
    shared = annotate(lab.admin, document, body="For everyone")

    seen_by_viewer = {item["id"] for item in _items(_export(lab, document))}
    markdown = _export(lab, document, "markdown").content.decode()

    assert annotation_urn(secret.pk) not in seen_by_viewer
    assert annotation_urn(shared.pk) in seen_by_viewer
    assert len(seen_by_viewer) == 2  # the team's and the viewer's own private note
    assert "Editor's draft" not in markdown
    assert "Viewer's own draft" in markdown
    assert annotation_urn(secret.pk) in {item["id"] for item in _items(_export(lab, document, role=Role.EDITOR))}


def test_the_markdown_export_groups_by_page_with_quotes_threads_and_resolved_marks(
    lab: Lab, document: Document
) -> None:
    later = annotate(lab.editor, document, page_index=2, body="Second thought")
    first = annotate(lab.editor, document, body="Look here")
    services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=first.pk, body="Agreed\nfully")
    services.annotation_resolve(actor=lab.viewer, document_id=document.pk, annotation_id=later.pk)

    response = _export(lab, document, "markdown")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="paper-annotations.md"'
    text = response.content.decode()
    assert text.startswith("# Paper\n")
    page_1, page_3 = text.index("## Page 1"), text.index("## Page 3")
    assert page_1 < text.index("> light cone") < text.index("Look here") < text.index("Agreed") < page_3
    assert f"- **{lab.viewer.user.name}**:\n  Agreed\n  fully" in text
    assert "Highlight by" in text[page_3:]
    assert "resolved" in text[page_3:]
    assert "resolved" not in text[page_1:page_3]


def test_an_unknown_format_is_a_400(lab: Lab, document: Document) -> None:
    response = _export(lab, document, "docx")
    assert response.status_code == 400
    assert response.json()["fields"]["format"]


def test_the_annotated_pdf_has_real_highlights_and_notes(lab: Lab, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "paper.pdf", PAGES)
    document = parsed_document(lab.team, path, uploaded_by=lab.editor.user)
    rect = word_rect(path, 1, "fringes")
    second = [72.0, 600.0, 200.0, 612.0]
    highlight = annotate(
        lab.editor,
        document,
        page_index=1,
        color="green",
        body="Half a period!",
        anchors={**HIGHLIGHT, "rects": [rect, second]},
    )
    note = annotate(lab.viewer, document, "note", page_index=0, body="Check the units")
    annotate(lab.admin, document, page_index=1, body="Admin's draft", visibility="private")

    response = _export(lab, document, "pdf")  # as the viewer: the admin's private draft is not in it

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="paper-annotated.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) == 2
    marks = _annotations(reader.pages[1])
    assert [str(mark["/Subtype"]) for mark in marks] == ["/Highlight", "/Popup"]
    mark, popup = marks
    assert popup["/Parent"].get_object()["/NM"] == annotation_urn(highlight.pk)
    x1, y1, x2, y2 = rect
    expected = [x1, y2, x2, y2, x1, y1, x2, y1, 72.0, 612.0, 200.0, 612.0, 72.0, 600.0, 200.0, 600.0]
    assert [float(value) for value in mark["/QuadPoints"]] == pytest.approx(expected)
    assert [float(value) for value in mark["/Rect"]] == pytest.approx([min(x1, 72.0), 600.0, 200.0, y2])
    assert (str(mark["/Contents"]), str(mark["/T"])) == ("Half a period!", lab.editor.user.name)
    assert str(mark["/NM"]) == annotation_urn(highlight.pk)
    assert [float(value) for value in mark["/C"]] == pytest.approx([0.55, 0.85, 0.45], abs=0.01)
    notes = {str(annot["/Subtype"]): annot for annot in _annotations(reader.pages[0])}
    assert set(notes) == {"/Text", "/Popup"}
    assert str(notes["/Text"]["/Contents"]) == "Check the units"
    assert str(notes["/Text"]["/NM"]) == annotation_urn(note.pk)
    assert notes["/Popup"]["/Parent"].get_object()["/NM"] == annotation_urn(note.pk)


def test_the_annotated_pdf_is_refused_above_the_page_limit(lab: Lab, tmp_path: Path, settings: Any) -> None:
    document = parsed_document(lab.team, pdfs.write_pdf(tmp_path / "paper.pdf", PAGES))
    settings.ANNOTATIONS_EXPORT_PDF_MAX_PAGES = 1

    response = _export(lab, document, "pdf")

    assert response.status_code == 400
    assert response.json()["code"] == "document_too_large"


def test_the_export_reads_a_fixed_number_of_queries(
    lab: Lab, document: Document, django_assert_max_num_queries: Any
) -> None:
    for index in range(20):
        highlight = annotate(lab.editor, document, page_index=index % 5, body=f"Mark {index}")
        services.reply_create(actor=lab.viewer, document_id=document.pk, annotation_id=highlight.pk, body="Re")
    lab.client(Role.VIEWER)  # signed in before counting

    with django_assert_max_num_queries(12):
        assert len(_items(_export(lab, document))) == 40
    with django_assert_max_num_queries(12):
        assert _export(lab, document, "markdown").content.decode().count("Re") >= 20

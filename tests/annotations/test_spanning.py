"""A highlight over a page break: ``page_index`` is its first page, ``page_end`` its last, ``rects`` its
rectangles on the first page and ``continued`` those on each following page; every export keeps them."""

import io
from pathlib import Path
from typing import Any

import pytest
import requests
from pypdf import PdfReader

from annotations.exports import annotation_urn
from annotations.models import Annotation
from annotations.tasks import export_annotated_pdf
from documents.models import Document
from teams.roles import Role
from tests.annotations.conftest import annotate, make_document, parsed_document, word_rect
from tests.documents import pdfs
from tests.teams.conftest import Lab

pytestmark = pytest.mark.django_db

PAGES = ["Introduction.\nThe light cone of an", "event bends.\nResults follow."]
FIRST = [72.0, 700.0, 180.0, 712.0]
SECOND = [72.0, 740.0, 140.0, 752.0]
SPANNING: dict[str, Any] = {
    "quote": {"exact": "cone of an\nevent", "prefix": "The light ", "suffix": " bends."},
    "position": {"start": 24, "end": 5},
    "rects": [FIRST],
    "page_end": 1,
    "continued": [{"page_index": 1, "rects": [SECOND]}],
}


def _url(lab: Lab, document: Document, suffix: str = "") -> str:
    return lab.url(f"/documents/{document.pk}/annotations{suffix}")


def _create(lab: Lab, document: Document, anchors: dict[str, Any], kind: str = "highlight", **fields: Any) -> Any:
    body = {"kind": kind, "page_index": 0, "anchors": anchors, **fields}
    return lab.client(Role.EDITOR).post(_url(lab, document), body, format="json")


def test_a_highlight_runs_onto_the_next_page(lab: Lab, document: Document) -> None:
    response = _create(lab, document, SPANNING)

    assert response.status_code == 201, response.content
    assert response.json()["anchors"] == SPANNING
    listed = lab.client(Role.VIEWER).get(_url(lab, document)).json()["results"]
    assert listed[0]["anchors"]["continued"] == [{"page_index": 1, "rects": [SECOND]}]


@pytest.mark.parametrize(
    ("anchors", "kind"),
    [
        ({**SPANNING, "page_end": None}, "highlight"),  # continued without its last page
        ({key: value for key, value in SPANNING.items() if key != "page_end"}, "highlight"),
        ({**SPANNING, "continued": [{"page_index": 2, "rects": [SECOND]}]}, "highlight"),  # past page_end
        ({**SPANNING, "continued": [{"page_index": 0, "rects": [SECOND]}]}, "highlight"),  # its first page
        ({**SPANNING, "page_end": 2, "continued": [{"page_index": 2, "rects": [SECOND]}] * 2}, "highlight"),
        ({"rects": [FIRST], "page_end": 1, "continued": [{"page_index": 1, "rects": [SECOND]}]}, "area"),
    ],
)
def test_a_continuation_must_be_on_the_pages_the_highlight_spans(
    lab: Lab, document: Document, anchors: dict[str, Any], kind: str
) -> None:
    anchors = {key: value for key, value in anchors.items() if value is not None}
    response = _create(lab, document, anchors, kind=kind)
    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) & {"anchors.continued", "anchors.page_end", "anchors"}


def test_a_span_is_bounded_and_stays_in_the_document(lab: Lab, document: Document) -> None:
    far = {**SPANNING, "page_end": 20, "continued": [{"page_index": 20, "rects": [SECOND]}]}
    assert _create(lab, document, far).status_code == 400
    beyond = {**SPANNING, "page_end": 5, "continued": [{"page_index": 5, "rects": [SECOND]}]}
    assert _create(lab, document, beyond).status_code == 400  # the document has 5 pages (0..4)


def test_the_jsonld_export_and_import_keep_the_continuation(lab: Lab, document: Document) -> None:
    annotate(lab.editor, document, anchors=SPANNING)
    exported = lab.client(Role.VIEWER).get(_url(lab, document, "/export"), {"format": "jsonld"}).json()
    target = exported["first"]["items"][0]["target"]
    assert target["scrollkeeper:pageEnd"] == 1
    assert target["scrollkeeper:continued"] == [{"scrollkeeper:pageIndex": 1, "scrollkeeper:rects": [SECOND]}]
    other = make_document(lab.team, title="Copy")

    imported = lab.client(Role.EDITOR).post(_url(lab, other, "/import"), exported, format="json")

    assert imported.status_code == 200, imported.content
    (copy,) = Annotation.objects.filter(document=other)
    assert (copy.page_index, copy.anchors) == (0, SPANNING)


def test_the_markdown_export_says_where_it_ends(lab: Lab, document: Document) -> None:
    annotate(lab.editor, document, anchors=SPANNING)
    text = lab.client(Role.VIEWER).get(_url(lab, document, "/export"), {"format": "markdown"}).content.decode()
    assert "## Page 1" in text
    assert "runs onto page 2" in text
    assert "> cone of an\n> event" in text


def test_the_annotated_pdf_marks_each_page_of_the_span(lab: Lab, tmp_path: Path) -> None:
    path = pdfs.write_pdf(tmp_path / "paper.pdf", PAGES)
    document = parsed_document(lab.team, path)
    head, tail = word_rect(path, 0, "cone"), word_rect(path, 1, "event")
    highlight = annotate(
        lab.editor,
        document,
        body="Across the break",
        anchors={**SPANNING, "rects": [head], "continued": [{"page_index": 1, "rects": [tail]}]},
    )
    started = lab.client(Role.VIEWER).post(_url(lab, document, "/exports"), {"format": "pdf"}, format="json").json()

    export_annotated_pdf(started["id"])

    export = lab.client(Role.VIEWER).get(_url(lab, document, f"/exports/{started['id']}")).json()
    reader = PdfReader(io.BytesIO(requests.get(export["download_url"], timeout=10).content))
    for page, rect, name in (
        (0, head, annotation_urn(highlight.pk)),
        (1, tail, f"{annotation_urn(highlight.pk)}#page=2"),
    ):
        marks = [annot.get_object() for annot in reader.pages[page].annotations or []]
        (mark,) = [mark for mark in marks if mark["/Subtype"] == "/Highlight"]
        x1, y1, x2, y2 = rect
        assert [float(value) for value in mark["/QuadPoints"]] == pytest.approx([x1, y2, x2, y2, x1, y1, x2, y1])
        assert (str(mark["/NM"]), str(mark["/Contents"])) == (name, "Across the break")
